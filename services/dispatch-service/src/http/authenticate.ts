import { RIDE_PRINCIPAL_KINDS, type AccessTokenVerification, type Principal, type PrincipalKind } from '@rideline/auth';
import { commonErrors } from '@rideline/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '../auth/signing-keys.ts';
import { dispatchErrors } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for, once `authenticate` has admitted it. */
    principal: Principal | null;
  }
}

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +([A-Za-z0-9\-_.]+) *$/i.exec(header ?? '')?.[1];
}

/**
 * An onRequest hook admitting a request with a valid access token (a rider or a driver, never an
 * operator, or only `kind`): missing, malformed, forged or expired token → 401 `Invalid or expired token.`; a valid
 * token of another kind → 403; keys not loaded yet (booking-service not up) → 503.
 */
export function authenticate(verifier: TokenVerifier, kind?: PrincipalKind) {
  const kinds = kind === undefined ? RIDE_PRINCIPAL_KINDS : [kind];
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) return admit(request, reply, { ok: false, reason: 'no bearer token' }, kinds);
    // verify() fetches the keys first when it has none.
    const result = await verifier.verify(token);
    if (!result.ok && !verifier.loaded) throw dispatchErrors.KEYS_NOT_LOADED();
    admit(request, reply, result, kinds);
  };
}

function admit(request: FastifyRequest, reply: FastifyReply, result: AccessTokenVerification, kinds: readonly PrincipalKind[]): void {
  if (!result.ok) {
    request.log.debug({ reason: result.reason }, 'access token refused');
    void reply.header('www-authenticate', 'Bearer');
    throw commonErrors.UNAUTHORIZED();
  }
  if (!kinds.includes(result.principal.kind)) {
    throw commonErrors.FORBIDDEN(kinds.length === 1 ? `Only ${kinds[0]}s can do this.` : 'Only riders and drivers can do this.');
  }
  request.principal = result.principal;
}

/** The principal of a request behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.UNAUTHORIZED();
  return request.principal;
}
