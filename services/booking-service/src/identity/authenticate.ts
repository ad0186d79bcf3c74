import { commonErrors } from '@rideline/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyAccessToken, type AccessTokenKeys, type Principal, type PrincipalKind } from '@rideline/auth';

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

function admit(request: FastifyRequest, reply: FastifyReply, keys: AccessTokenKeys, kind: PrincipalKind | undefined): void {
  const token = bearerToken(request.headers.authorization);
  const result = token === undefined ? undefined : verifyAccessToken(token, keys);
  if (!result?.ok) {
    request.log.debug({ reason: result?.reason ?? 'no bearer token' }, 'access token refused');
    void reply.header('www-authenticate', 'Bearer');
    throw commonErrors.UNAUTHORIZED();
  }
  if (kind !== undefined && result.principal.kind !== kind) throw commonErrors.FORBIDDEN();
  request.principal = result.principal;
}

/**
 * A preHandler that admits a request carrying a valid access token and sets
 * `request.principal`: `authenticate()` for any principal, `authenticate('driver')` for
 * drivers only. Missing, malformed, forged or expired token: 401 `Invalid or expired token.`;
 * a valid token of another kind: 403. Uses the keys identityRoutes decorates the app with.
 */
export function authenticate(kind?: PrincipalKind): AuthenticateHook {
  return async (request, reply) => {
    const keys = request.server.accessTokenKeys as AccessTokenKeys | undefined;
    if (!keys) throw new Error('authenticate() needs identityRoutes registered on the app');
    admit(request, reply, keys, kind);
  };
}

/** The same preHandler with explicit keys, for an app without identityRoutes. */
export function authenticateWith(keys: AccessTokenKeys, kind?: PrincipalKind): AuthenticateHook {
  return async (request, reply) => admit(request, reply, keys, kind);
}

/** The principal of an authenticated request (a route behind `authenticate`). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.UNAUTHORIZED();
  return request.principal;
}
