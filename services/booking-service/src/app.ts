import { createServiceApp, type CorsPolicy, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { bookingSchemas } from './bookings/booking-view.ts';
import { bookingRoutes, type BookingRoutesDeps } from './bookings/routes.ts';
import type { PrismaClient } from './db/client.ts';
import { identityRoutes, type IdentityConfig, type IdentityDeps, type SigningKeys } from './identity/index.ts';
import { BookingHistoryReply, opsRoutes, type OpsRoutesDeps } from './ops/routes.ts';

export interface BookingDeps {
  readonly logger: FastifyBaseLogger;
  readonly prisma: PrismaClient;
  readonly keys: SigningKeys;
  readonly identity: IdentityConfig;
  readonly revocations: IdentityDeps['revocations'];
  readonly bookings: BookingRoutesDeps;
  readonly ops: OpsRoutesDeps;
  readonly kafkaReady: ReadinessCheck;
  readonly databaseReady: ReadinessCheck;
  readonly cors: CorsPolicy;
  /** The offers reader is no more than KAFKA_READY_MAX_LAG records behind. */
  readonly lagReady: ReadinessCheck;
}

/** The booking-service HTTP app: identity, bookings and the operators' routes, on the shared service kit. */
export async function buildApp(deps: BookingDeps) {
  const { app, metrics } = await createServiceApp({
    service: 'booking-service',
    logger: deps.logger,
    cors: deps.cors,
    readiness: { kafka: deps.kafkaReady, database: deps.databaseReady, lag: deps.lagReady },
    description: 'Identity (riders, drivers, sessions) and bookings: the event-sourced booking lifecycle',
    tags: [
      { name: 'identity', description: 'Registration, login, token refresh, logout and the keys that verify access tokens.' },
      { name: 'bookings', description: 'A ride from request to completion: place, accept, start with the OTP, complete, cancel.' },
      { name: 'ops', description: 'For operators only (the ops console): what riders and drivers never see.' },
    ],
  });
  // On the app itself, not inside the encapsulated booking routes, so the OpenAPI document names them.
  for (const schema of [...bookingSchemas, BookingHistoryReply]) app.addSchema(schema);
  await app.register(identityRoutes, { prisma: deps.prisma, keys: deps.keys, config: deps.identity, revocations: deps.revocations, metrics });
  await app.register(bookingRoutes, deps.bookings);
  await app.register(opsRoutes, deps.ops);
  return { app, metrics };
}
