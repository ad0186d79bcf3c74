import { accessTokenAuth, type KeySource } from '@rideline/auth';
import { createServiceApp, type CorsPolicy, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { installDriverRoutes, type DriverRoutesDeps } from './http/driver-routes.ts';
import { dispatchErrors } from './http/errors.ts';
import { installRateLimit } from './http/rate-limit.ts';

export interface DispatchDeps {
  readonly logger: FastifyBaseLogger;
  readonly readiness: {
    readonly kafka: ReadinessCheck;
    /** booking-service's signing keys are loaded. */
    readonly auth: ReadinessCheck;
    /** The state is rebuilt from the topics. */
    /** The consumers are in their groups (down while they rejoin after a broker outage). */
    readonly feed: ReadinessCheck;
    /** No consumer is more than KAFKA_READY_MAX_LAG records behind. */
    readonly lag: ReadinessCheck;
    readonly state: ReadinessCheck;
  };
  /** booking-service's public keys (`JwksKeys`), which access tokens are checked with. */
  readonly keys: KeySource;
  readonly drivers: DriverRoutesDeps;
  readonly cors: CorsPolicy;
}

/** The dispatch-service HTTP app; `dispatch-system.ts` wires it to the broker and the state. */
export async function buildApp(deps: DispatchDeps) {
  const { app, metrics } = await createServiceApp({
    service: 'dispatch-service',
    logger: deps.logger,
    cors: deps.cors,
    readiness: deps.readiness,
    description: 'Where available drivers are; offers each new booking to the nearby ones',
    tags: [{ name: 'drivers', description: "Drivers' positions and availability, and who is near a point." }],
  });
  await app.register(accessTokenAuth, { keys: deps.keys, keysNotLoaded: dispatchErrors.KEYS_NOT_LOADED });
  await installRateLimit(app); // before the routes, which it hooks as they are added
  installDriverRoutes(app, deps.drivers);
  return { app, metrics };
}
