import { commonErrors } from '@rideline/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RIDE_PRINCIPAL_KINDS, verifyAccessToken, type AccessTokenKeys, type Principal, type PrincipalKind } from '@rideline/auth';

declare module 'fastify' {
  interface FastifyInstance {
    /** The public keys access tokens are checked with (decorated by identityRoutes). */
    accessTokenKeys: AccessTokenKeys;
  }
  interface FastifyRequest {
    /** Who the request acts for, once `authenticate` has run; null before or without it. */
    principal: Principal | null;
  }
}

export type AuthenticateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-_.]+) *$/i.exec(header ?? '');
  return match?.[1];
}

/** Which kinds a route admits: one kind, or (by default) riders and drivers, never operators. */
export type AdmittedKinds = PrincipalKind | readonly PrincipalKind[];

const admits = (kinds: AdmittedKinds, kind: PrincipalKind): boolean => (typeof kinds === 'string' ? kinds === kind : kinds.includes(kind));

function admit(request: FastifyRequest, reply: FastifyReply, keys: AccessTokenKeys, kinds: AdmittedKinds): void {
  const token = bearerToken(request.headers.authorization);
  const result = token === undefined ? undefined : verifyAccessToken(token, keys);
  if (!result?.ok) {
    request.log.debug({ reason: result?.reason ?? 'no bearer token' }, 'access token refused');
    void reply.header('www-authenticate', 'Bearer');
    throw commonErrors.UNAUTHORIZED();
  }
  if (!admits(kinds, result.principal.kind)) throw commonErrors.FORBIDDEN();
  request.principal = result.principal;
}

/**
 * A preHandler that admits a request carrying a valid access token and sets
 * `request.principal`: `authenticate()` for riders and drivers, `authenticate('driver')` for
 * drivers only, `authenticate('operator')` for operators only. Missing, malformed, forged or expired token: 401 `Invalid or expired token.`;
 * a valid token of another kind: 403. Uses the keys identityRoutes decorates the app with.
 */
export function authenticate(kinds: AdmittedKinds = RIDE_PRINCIPAL_KINDS): AuthenticateHook {
  return async (request, reply) => {
    const keys = request.server.accessTokenKeys as AccessTokenKeys | undefined;
    if (!keys) throw new Error('authenticate() needs identityRoutes registered on the app');
    admit(request, reply, keys, kinds);
  };
}

/** The same preHandler with explicit keys, for an app without identityRoutes. */
export function authenticateWith(keys: AccessTokenKeys, kinds: AdmittedKinds = RIDE_PRINCIPAL_KINDS): AuthenticateHook {
  return async (request, reply) => admit(request, reply, keys, kinds);
}

/** The principal of an authenticated request (a route behind `authenticate`). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.UNAUTHORIZED();
  return request.principal;
}

/** A rider or a driver: who the booking routes act for. */
export type RidePrincipal = Principal & { readonly kind: 'user' | 'driver' };

/**
 * The principal of a request behind `authenticate()` (riders and drivers), narrowed to those two
 * kinds; anything else is a route wired without its guard, answered 403 rather than trusted.
 */
export function ridePrincipalOf(request: FastifyRequest): RidePrincipal {
  const principal = principalOf(request);
  if (principal.kind === 'operator') throw commonErrors.FORBIDDEN();
  return { kind: principal.kind, id: principal.id };
}
