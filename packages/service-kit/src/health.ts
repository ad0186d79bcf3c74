import type { FastifyInstance } from 'fastify';
import Type from 'typebox';

/** A dependency's probe: resolves when it is up, rejects with why it is not. */
export type ReadinessCheck = () => Promise<void>;

const Checks = Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')]), {
  description: 'Each dependency by name, `up` or `down`.',
});
const Live = Type.Object({ status: Type.Literal('live') }, { $id: 'LiveStatus', examples: [{ status: 'live' }] });
const Ready = Type.Object(
  { status: Type.Literal('ready'), checks: Checks },
  { $id: 'ReadyStatus', examples: [{ status: 'ready', checks: { kafka: 'up', database: 'up' } }] },
);
/** The error body, plus which dependency is down. */
const NotReady = Type.Object(
  { success: Type.Literal(false), message: Type.String(), code: Type.Literal('NOT_READY'), checks: Checks },
  {
    $id: 'NotReadyBody',
    description: 'A dependency is down (`NOT_READY`): the error body, plus `checks`.',
    examples: [{ success: false, message: 'Not ready: database unavailable.', code: 'NOT_READY', checks: { kafka: 'up', database: 'down' } }],
  },
);

/**
 * `/health/live` says the process answers; `/health/ready` says every dependency (broker,
 * database) answers too, naming the ones that do not.
 */
export function installHealth(app: FastifyInstance, checks: Readonly<Record<string, ReadinessCheck>>): void {
  for (const schema of [Live, Ready, NotReady]) app.addSchema(schema);
  app.get(
    '/health/live',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness',
        description: 'Answers while the process serves requests; it checks no dependency.',
        response: { 200: { $ref: 'LiveStatus', description: 'The process is up.' } },
      },
    },
    async () => ({ status: 'live' }),
  );
  app.get(
    '/health/ready',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness',
        description: 'Probes every dependency (broker, database...) and names those that do not answer.',
        response: {
          200: { $ref: 'ReadyStatus', description: 'Every dependency answers.' },
          503: { $ref: 'NotReadyBody', description: '`NOT_READY`: at least one dependency is down.' },
        },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.allSettled(names.map((name) => checks[name]!()));
      const status: Record<string, string> = {};
      const down: string[] = [];
      results.forEach((result, index) => {
        const name = names[index]!;
        status[name] = result.status === 'fulfilled' ? 'up' : 'down';
        if (result.status === 'rejected') down.push(name);
      });
      if (down.length === 0) return { status: 'ready', checks: status };
      return reply.status(503).send({
        success: false,
        message: `Not ready: ${down.join(', ')} unavailable.`,
        code: 'NOT_READY',
        checks: status,
      });
    },
  );
}
