import { createServiceApp, type CorsPolicy, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { bookingRoutes, type BookingRoutesDeps } from './bookings/routes.ts';
import type { PrismaClient } from './db/client.ts';
import { identityRoutes, type IdentityConfig, type IdentityDeps, type SigningKeys } from './identity/index.ts';

export interface BookingDeps {
  readonly logger: FastifyBaseLogger;
  readonly prisma: PrismaClient;
  readonly keys: SigningKeys;
  readonly identity: IdentityConfig;
  readonly revocations: IdentityDeps['revocations'];
  readonly bookings: BookingRoutesDeps;
  readonly kafkaReady: ReadinessCheck;
  readonly databaseReady: ReadinessCheck;
  readonly cors: CorsPolicy;
  /** The offers reader is no more than KAFKA_READY_MAX_LAG records behind. */
  readonly lagReady: ReadinessCheck;
}

/** The booking-service HTTP app: identity and bookings, on the shared service kit. */
export async function buildApp(deps: BookingDeps) {
  const { app, metrics } = await createServiceApp({
    service: 'booking-service',
    logger: deps.logger,
    cors: deps.cors,
    readiness: { kafka: deps.kafkaReady, database: deps.databaseReady, lag: deps.lagReady },
  });
  await app.register(identityRoutes, { prisma: deps.prisma, keys: deps.keys, config: deps.identity, revocations: deps.revocations, metrics });
  await app.register(bookingRoutes, deps.bookings);
  return { app, metrics };
}
