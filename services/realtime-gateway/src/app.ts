import { createServiceApp, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';

export interface GatewayDeps {
  readonly logger: FastifyBaseLogger;
  readonly kafkaReady: ReadinessCheck;
}

/** The gateway's HTTP app; `main.ts` wires it to the real broker and listens. */
export async function buildApp(deps: GatewayDeps) {
  const { app } = await createServiceApp({
    service: 'realtime-gateway',
    logger: deps.logger,
    readiness: { kafka: deps.kafkaReady },
  });
  return app;
}
