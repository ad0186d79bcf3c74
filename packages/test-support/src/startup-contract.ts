import { afterEach, describe, expect, it } from 'vitest';
import { startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from './service-process.ts';

export interface StartupContractOptions {
  readonly serviceDir: string;
  /** Env that makes the service start against the test infrastructure (e.g. its DATABASE_URL). */
  readonly env: () => Record<string, string>;
  /** More refusals: the setting named in the message, and the env that must be refused. */
  readonly refusals?: readonly (readonly [setting: string, env: Record<string, string>])[];
}

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

/**
 * What every service promises at start-up and shutdown (the foundation issue): it becomes ready
 * against the real broker, serves health and metrics, stops cleanly on SIGTERM, and refuses bad
 * configuration fast with one clear line naming the setting, never a stack trace.
 */
export function describeStartupContract(options: StartupContractOptions): void {
  describe('start-up and shutdown of the real process', () => {
    let service: ServiceProcess | undefined;
    afterEach(async () => {
      await service?.stop();
      service = undefined;
    });

    it('becomes ready, serves health and metrics, and exits 0 on SIGTERM', async () => {
      service = await startServiceProcess(options.serviceDir, { ...options.env(), KAFKA_BROKERS: testKafkaBrokers() });
      await waitUntilReady(service);
      const live = await fetch(`${service.baseUrl}/health/live`);
      expect(live.status).toBe(200);
      const metrics = await fetch(`${service.baseUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('process_resident_memory_bytes');
      expect(await service.stop()).toBe(0);
    });

    it.each([
      ['PORT', { PORT: 'eighty' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'shouty' }],
      ['KAFKA_BROKERS', { KAFKA_BROKERS: 'no-port-here' }],
      ['TOPIC_BOOKING_EVENTS', { TOPIC_BOOKING_EVENTS: 'spaces are not allowed' }],
      ...(options.refusals ?? []),
    ] as const)('refuses a bad %s with a clear message', async (setting, env) => {
      service = await startServiceProcess(options.serviceDir, {
        ...options.env(),
        KAFKA_BROKERS: testKafkaBrokers(),
        ...env,
      });
      expect(await service.exited).toBe(1);
      expect(service.output()).toContain(setting);
      expect(service.output()).not.toMatch(STACK_LINE);
    });

    it('fails fast, naming KAFKA_BROKERS, when the broker does not answer', async () => {
      const started = Date.now();
      service = await startServiceProcess(options.serviceDir, { ...options.env(), KAFKA_BROKERS: '127.0.0.1:1' });
      expect(await service.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(service.output()).toContain('KAFKA_BROKERS=127.0.0.1:1');
      expect(service.output()).not.toMatch(STACK_LINE);
    });
  });
}
