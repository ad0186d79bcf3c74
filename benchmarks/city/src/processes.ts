import { execFileSync } from 'node:child_process';
import type { CpuUsage } from '@rideline/e2e-bench/cpu';
import { testServerUrl } from '@rideline/postgres/testing';
import pg from 'pg';

/**
 * The processes whose CPU a phase reports, named `group#pid`: several processes of one group (the
 * PostgreSQL backends, the driver workers) are summed. CpuMeter adds the runner itself.
 */
export type ProcessMap = Record<string, number>;

export const RUNNER = 'load generator (this process)'; // the name CpuMeter gives the runner

/** The broker's process: the one listening on the first broker's port (`ss`), else any `kafka.Kafka` JVM. */
export function kafkaBrokerPids(brokers: string): number[] {
  const port = brokers.split(',')[0]?.split(':').at(-1) ?? '9092';
  const run = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  const listening = /pid=(\d+)/.exec(run('ss', ['-ltnpH', `sport = :${port}`]))?.[1];
  if (listening) return [Number(listening)];
  return run('ps', ['-eo', 'pid,args'])
    .split('\n')
    .filter((line) => line.includes('kafka.Kafka'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/**
 * PostgreSQL's processes as the server lists them: the backends serving `database` (the
 * services' pools), and the server's own workers (WAL writer, checkpointer, ...), which work for
 * every database on the server, other users' included.
 */
export async function postgresPids(database: string): Promise<ProcessMap> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number; datname: string | null; backend_type: string }>(
      'SELECT pid, datname, backend_type FROM pg_stat_activity',
    );
    const pids: ProcessMap = {};
    for (const row of rows) {
      if (row.datname === database) pids[`${POSTGRES_BACKENDS}#${row.pid}`] = row.pid;
      else if (row.backend_type !== 'client backend') pids[`${POSTGRES_SERVER}#${row.pid}`] = row.pid;
    }
    return pids;
  } finally {
    await client.end();
  }
}

export const POSTGRES_BACKENDS = 'PostgreSQL backends (this database)';
export const POSTGRES_SERVER = 'PostgreSQL server workers (shared)';
export const DRIVER_WORKERS = 'driver workers';
export const KAFKA = 'Kafka broker (JVM)';
export const SERVICES = ['booking-service', 'dispatch-service', 'realtime-gateway'] as const;

/** The processes of the system under test (not the load generators), for CPU per unit of work. */
export const SYSTEM_GROUPS: readonly string[] = [...SERVICES, KAFKA, POSTGRES_BACKENDS, POSTGRES_SERVER];

/** CPU by group, % of one core: processes named `group#pid` summed. */
export function cpuByGroup(usage: CpuUsage): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const [name, percent] of Object.entries(usage.byProcess)) {
    const group = name.split('#')[0]!;
    // A process that ended during the phase (a pooled backend closed) reads NaN: it counts as nothing.
    groups[group] = (groups[group] ?? 0) + (Number.isNaN(percent) ? 0 : percent);
  }
  return groups;
}
