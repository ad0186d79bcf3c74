/** The infrastructure checked before anything starts, and the facts the results file states. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { isKafkaReachable } from '@rideline/dev-infra';
import { redactUrl } from '@rideline/postgres';
import { testServerUrl } from '@rideline/postgres/testing';
import { testKafkaBrokers } from '@rideline/test-support';
import pg from 'pg';

export interface Infrastructure {
  readonly kafkaBrokers: string;
  readonly postgresUrl: string;
  readonly postgresVersion: string;
}

/** Fails with one line naming the setting when the broker or the database does not answer. */
export async function checkInfrastructure(): Promise<Infrastructure> {
  const kafkaBrokers = testKafkaBrokers();
  if (!(await isKafkaReachable(kafkaBrokers))) {
    throw new Error(
      `Kafka does not answer at KAFKA_BROKERS=${kafkaBrokers} (run through \`pnpm bench\`, which provides one, or start one: \`pnpm kafka broker start\`)`,
    );
  }
  const postgresUrl = redactUrl(testServerUrl());
  const client = new pg.Client({ connectionString: testServerUrl(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a server going away later fails the query instead
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { kafkaBrokers, postgresUrl, postgresVersion: rows[0]?.server_version ?? 'unknown' };
  } catch (error) {
    throw new Error(`PostgreSQL does not answer at RIDELINE_TEST_PG_URL=${postgresUrl}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Where and when a results file's figures were measured, and by which command: its header. */
export interface RunFacts {
  readonly date: Date;
  readonly machine: string;
  readonly loadBefore: string;
  readonly loadAfter: string;
  /** % of all cores busy over 2 s before the system started: what else the box was doing. */
  readonly machineBusyBefore: number;
  readonly versions: Readonly<Record<string, string>>;
  readonly command: string;
}

export const describeMachine = () => {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'unknown CPU'}, ${list.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}`;
};

export const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

const run = (command: string, args: string[], cwd?: string) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...(cwd === undefined ? {} : { cwd }) });
  } catch {
    return '';
  }
};

/**
 * The version in a local broker's class path (`.../kafka-4.4.0/libs/*`, as dev-infra runs it).
 * The Kafka protocol does not tell a client the release, so a remote broker stays unknown.
 */
export function localKafkaVersion(): string {
  const versions = new Set<string>();
  for (const line of run('ps', ['-eo', 'args']).split('\n')) {
    if (!line.includes('kafka.Kafka')) continue;
    const version = /kafka[_-](?:2\.13-)?(\d+\.\d+\.\d+)/.exec(line)?.[1];
    if (version) versions.add(version);
  }
  return versions.size ? [...versions].join(', ') : 'unknown (no local broker process found)';
}

/**
 * The commit, and which parts of the work tree differ from it (the figures measure the work tree),
 * of the checkout holding `cwd` (default this process's).
 */
export function gitRevision(cwd?: string): string {
  const commit = run('git', ['rev-parse', '--short', 'HEAD'], cwd).trim() || 'unknown';
  const dirty = new Set(
    run('git', ['status', '--porcelain'], cwd)
      .split('\n')
      .filter(Boolean)
      // Results files rewritten earlier in the same `pnpm bench` are not code changes.
      .filter((line) => !/(^|\/)(RESULTS|BENCHMARKS)\.md$/.test(line.slice(3)))
      .map((line) => line.slice(3).split('/').slice(0, 2).join('/')), // "XY path", from the repository root
  );
  return dirty.size
    ? `${commit}, with uncommitted changes in ${[...dirty]
        .sort()
        .map((path) => `\`${path}\``)
        .join(', ')}`
    : commit;
}
