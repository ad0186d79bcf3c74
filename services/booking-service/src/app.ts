import { createServiceApp, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';

export interface BookingDeps {
  readonly logger: FastifyBaseLogger;
  readonly kafkaReady: ReadinessCheck;
  readonly databaseReady: ReadinessCheck;
}

/** The booking-service HTTP app; `main.ts` wires it to the real database and broker. */
export function buildApp(deps: BookingDeps) {
  const { app } = createServiceApp({
    service: 'booking-service',
    logger: deps.logger,
    readiness: { kafka: deps.kafkaReady, database: deps.databaseReady },
  });
  return app;
}
