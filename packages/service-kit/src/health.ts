import type { FastifyInstance } from 'fastify';

/** A dependency's probe: resolves when it is up, rejects with why it is not. */
export type ReadinessCheck = () => Promise<void>;

/**
 * `/health/live` says the process answers; `/health/ready` says every dependency (broker,
 * database) answers too, naming the ones that do not.
 */
export function installHealth(app: FastifyInstance, checks: Readonly<Record<string, ReadinessCheck>>): void {
  app.get('/health/live', { logLevel: 'warn' }, async () => ({ status: 'live' }));
  app.get('/health/ready', { logLevel: 'warn' }, async (_request, reply) => {
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
  });
}
