import rateLimit from '@fastify/rate-limit';
import { commonErrors, type ServiceApp } from '@rideline/service-kit';
import { principalOf } from '@rideline/auth';

/**
 * @fastify/rate-limit for the routes that ask for it (`perPrincipal`), keyed by the verified
 * principal (kind and id), so that one rider's searches never eat another's budget and a shared
 * address (a NAT, a mobile carrier) is not one budget. It runs as a preHandler: after
 * `authenticate` has admitted the token and the schema has accepted the request, so only requests
 * that would be answered count. Over the budget: 429 with the API.md body and `Retry-After`.
 * The counts live in this instance's memory: N instances allow N budgets.
 */
export async function installRateLimit(app: ServiceApp): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    keyGenerator: (request) => {
      const principal = principalOf(request);
      return `${principal.kind}:${principal.id}`;
    },
    errorResponseBuilder: (_request, context) => commonErrors.TOO_MANY_REQUESTS(`Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`),
  });
}

/** A route's `config` for at most `max` requests per principal per minute. */
export const perPrincipal = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
