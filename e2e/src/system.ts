import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { freePort, startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from '@rideline/test-support';

export type ServiceName = 'booking-service' | 'dispatch-service' | 'realtime-gateway';

/** This checkout's root; RunningSystem.start may be given another's, to start that checkout's services. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const serviceDir = (repoRoot: string, name: ServiceName) => join(repoRoot, 'services', name);

/**
 * The whole system as it is deployed: three service processes on the real broker and a real
 * database, with topics and a database of its own so that test files do not see each other.
 * Tests drive it only through HTTP and sockets, like an app.
 */
export class RunningSystem {
  readonly processes = new Map<ServiceName, ServiceProcess>();

  private constructor(
    readonly database: ScratchDatabase,
    readonly env: Record<string, string>,
    readonly ports: Record<ServiceName, number>,
    readonly repoRoot: string,
  ) {}

  /**
   * `options.postgresServerUrl`: the PostgreSQL server to create the scratch database on
   * (default RIDELINE_TEST_PG_URL), e.g. a private one a fault test stops and restarts.
   * `options.repoRoot`: the checkout whose services to start (default this one), e.g. the one
   * before a change, for a benchmark's before/after; it must be installed.
   */
  static async start(extraEnv: Record<string, string> = {}, options: { postgresServerUrl?: string; repoRoot?: string } = {}): Promise<RunningSystem> {
    const database = await createScratchDatabase(options.postgresServerUrl, 'rideline_e2e');
    const run = randomUUID().slice(0, 8);
    const ports = {
      'booking-service': await freePort(),
      'dispatch-service': await freePort(),
      'realtime-gateway': await freePort(),
    };
    const env: Record<string, string> = {
      KAFKA_BROKERS: testKafkaBrokers(),
      KAFKA_TOPIC_PARTITIONS: '3',
      DATABASE_URL: database.databaseUrl,
      AUTH_JWKS_URL: `http://127.0.0.1:${ports['booking-service']}/.well-known/jwks.json`,
      ...Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `e2e-${run}.${TOPICS[id].defaultName}`])),
      // Consumer groups per run, as the topics are: a group whose members subscribe to different
      // topics (another run on the same broker) hands members partitions they do not read.
      BOOKING_OFFERS_CONSUMER_GROUP: `e2e-${run}.booking.offers`,
      DISPATCH_CONSUMER_GROUP: `e2e-${run}.dispatch`,
      ...extraEnv,
    };
    const system = new RunningSystem(database, env, ports, options.repoRoot ?? REPO_ROOT);
    try {
      for (const name of ['booking-service', 'dispatch-service', 'realtime-gateway'] as const) await system.startService(name);
    } catch (error) {
      // Nobody else holds the services started so far, nor the scratch database.
      await system.stop().catch(() => {});
      throw error;
    }
    return system;
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  async startService(name: ServiceName): Promise<void> {
    const process = await startServiceProcess(serviceDir(this.repoRoot, name), { ...this.env, PORT: String(this.ports[name]) });
    this.processes.set(name, process);
    await waitUntilReady(process, 90_000);
  }

  /** SIGKILL, as a crash: no graceful shutdown. */
  async kill(name: ServiceName): Promise<void> {
    const process = this.processes.get(name);
    process?.child.kill('SIGKILL');
    await process?.exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((process) => process.stop()));
    await this.database.drop();
  }
}
