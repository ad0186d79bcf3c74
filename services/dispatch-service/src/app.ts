import { createServiceApp, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';

export interface DispatchDeps {
  readonly logger: FastifyBaseLogger;
  readonly kafkaReady: ReadinessCheck;
}

/** The dispatch-service HTTP app; `main.ts` wires it to the real broker and listens. */
export async function buildApp(deps: DispatchDeps) {
  const { app } = await createServiceApp({
    service: 'dispatch-service',
    logger: deps.logger,
    readiness: { kafka: deps.kafkaReady },
  });
  return app;
}
