/**
 * The infrastructure a local run or a test run needs, found or started: a Kafka broker and a
 * PostgreSQL server. What is already configured or already running is used as it is; only what
 * is missing is started, and only that is stopped afterwards.
 */
import path from 'node:path';
import { ridelineDataDir, isKafkaReachable, isPostgresListening, startEmbeddedPostgres, startKafkaBroker } from '@rideline/dev-infra';

export interface LocalInfra {
  /** Bootstrap servers, comma-separated, for KAFKA_BROKERS. */
  readonly kafkaBrokers: string;
  /** A server URL whose user may create databases (its path names a maintenance database). */
  readonly postgresServerUrl: string;
  /** Stops what this call started, in reverse order. */
  stop(): Promise<void>;
}

export interface LocalInfraOptions {
  readonly log: (message: string) => void;
}

const LOCAL_KAFKA = '127.0.0.1:9092';
const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432 };
const EMBEDDED_POSTGRES_PORT = 54329;

export async function provideLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const kafkaBrokers = await provideKafka(options, stops);
    const postgresServerUrl = await providePostgres(options, stops);
    return { kafkaBrokers, postgresServerUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function provideKafka(options: LocalInfraOptions, stops: (() => Promise<void>)[]): Promise<string> {
  const configured = process.env['KAFKA_BROKERS'];
  if (configured) {
    if (!(await isKafkaReachable(configured.split(',')))) {
      throw new Error(`Kafka does not answer at KAFKA_BROKERS=${configured}`);
    }
    options.log(`kafka: using KAFKA_BROKERS=${configured}`);
    return configured;
  }
  if (await isKafkaReachable([LOCAL_KAFKA])) {
    options.log(`kafka: a broker already answers at ${LOCAL_KAFKA}, using it`);
    return LOCAL_KAFKA;
  }
  options.log('kafka: starting a local broker (the first run downloads its jars from Maven Central)');
  const started = Date.now();
  const broker = await startKafkaBroker({
    dataDir: path.join(ridelineDataDir(), 'kafka'),
    log: (message) => options.log(`kafka: ${message}`),
  });
  options.log(`kafka: broker ${broker.version} ready at ${broker.brokers.join(',')} in ${Date.now() - started} ms`);
  stops.push(() => broker.stop());
  return broker.brokers.join(',');
}

async function providePostgres(options: LocalInfraOptions, stops: (() => Promise<void>)[]): Promise<string> {
  const configured = process.env['DATABASE_URL'];
  if (configured) {
    options.log('postgres: using DATABASE_URL');
    const server = new URL(configured);
    server.pathname = '/postgres';
    return server.toString();
  }
  if (await isPostgresListening(LOCAL_POSTGRES.host, LOCAL_POSTGRES.port)) {
    options.log(`postgres: using the server at ${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}`);
    return `postgresql://postgres@${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}/postgres`;
  }
  options.log('postgres: nothing listens on 127.0.0.1:5432 and DATABASE_URL is unset; starting embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(ridelineDataDir(), 'postgres'),
    port: EMBEDDED_POSTGRES_PORT,
  });
  stops.push(() => embedded.stop());
  return embedded.databaseUrl;
}

/** The same server, another database: `withDatabase('postgresql://u@h/postgres', 'x')`. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
