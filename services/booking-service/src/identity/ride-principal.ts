import { principalOf, type Principal } from '@rideline/auth';
import { commonErrors } from '@rideline/service-kit';
import type { FastifyRequest } from 'fastify';

/** A rider or a driver: who the booking routes act for. */
export type RidePrincipal = Principal & { readonly kind: 'user' | 'driver' };

/**
 * The principal of a request behind `authenticate({ kinds: RIDE_PRINCIPAL_KINDS })`, narrowed to
 * those two kinds; an operator here is a route wired without its guard, answered 403 rather than
 * trusted.
 */
export function ridePrincipalOf(request: FastifyRequest): RidePrincipal {
  const principal = principalOf(request);
  if (principal.kind === 'operator') throw commonErrors.FORBIDDEN();
  return { kind: principal.kind, id: principal.id };
}
