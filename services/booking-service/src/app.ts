import { createServiceApp, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from './db/client.ts';
import { identityRoutes, type IdentityConfig, type SigningKeys } from './identity/index.ts';

export interface BookingDeps {
  readonly logger: FastifyBaseLogger;
  readonly prisma: PrismaClient;
  readonly keys: SigningKeys;
  readonly identity: IdentityConfig;
  readonly kafkaReady: ReadinessCheck;
  readonly databaseReady: ReadinessCheck;
}

/** The booking-service HTTP app; `main.ts` wires it to the real database and broker. */
export async function buildApp(deps: BookingDeps) {
  const { app } = createServiceApp({
    service: 'booking-service',
    logger: deps.logger,
    readiness: { kafka: deps.kafkaReady, database: deps.databaseReady },
  });
  await app.register(identityRoutes, { prisma: deps.prisma, keys: deps.keys, config: deps.identity });
  return app;
}
