import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { freePort, startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from '@rideline/test-support';

const SERVICES_DIR = fileURLToPath(new URL('../../../../services/', import.meta.url));

/** The two HTTP services the client talks to. */
export type HttpServiceName = 'booking-service' | 'dispatch-service';

/**
 * booking-service and dispatch-service as separate processes on the real broker and a scratch
 * database, with topics and consumer groups of their own (as e2e's RunningSystem, without the
 * gateway, which this package's HTTP client does not talk to).
 */
export class RunningServices {
  private constructor(
    private readonly database: ScratchDatabase,
    private readonly processes: ServiceProcess[],
    readonly urls: Record<HttpServiceName, string>,
  ) {}

  static async start(extraEnv: Record<string, string> = {}): Promise<RunningServices> {
    const database = await createScratchDatabase(undefined, 'rideline_client');
    const run = randomUUID().slice(0, 8);
    const bookingPort = await freePort();
    const env: Record<string, string> = {
      KAFKA_BROKERS: testKafkaBrokers(),
      KAFKA_TOPIC_PARTITIONS: '3',
      DATABASE_URL: database.databaseUrl,
      AUTH_JWKS_URL: `http://127.0.0.1:${bookingPort}/.well-known/jwks.json`,
      ...Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `client-${run}.${TOPICS[id].defaultName}`])),
      BOOKING_OFFERS_CONSUMER_GROUP: `client-${run}.booking.offers`,
      DISPATCH_CONSUMER_GROUP: `client-${run}.dispatch`,
      ...extraEnv,
    };
    const processes: ServiceProcess[] = [];
    const services = new RunningServices(database, processes, { 'booking-service': '', 'dispatch-service': '' });
    try {
      for (const [name, port] of [
        ['booking-service', bookingPort],
        ['dispatch-service', await freePort()],
      ] as const) {
        const service = await startServiceProcess(`${SERVICES_DIR}${name}`, { ...env, PORT: String(port) });
        processes.push(service);
        await waitUntilReady(service, 90_000);
        services.urls[name] = service.baseUrl;
      }
    } catch (error) {
      await services.stop().catch(() => {});
      throw error;
    }
    return services;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((service) => service.stop()));
    await this.database.drop();
  }
}
