import { execFileSync } from 'node:child_process';
import type { CpuSource, CpuUsage } from '@rideline/e2e-bench/cpu';
import { testServerUrl } from '@rideline/postgres/testing';
import { parentPid, processTreeCpuSeconds } from '@rideline/test-support';
import pg from 'pg';

/**
 * The processes whose CPU a phase reports, named `group#pid`: several processes of one group (the
 * broker, the driver workers) are summed. CpuMeter adds the runner itself.
 */
export type ProcessMap = Record<string, CpuSource>;

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
 * PostgreSQL's whole server: the postmaster and every process it runs or has run, backends of
 * every database included. Counting only the backends connected when a phase starts missed
 * those a pool opens during it (and lost the CPU of those it closes), which hid part of a
 * change that makes the services' pools grow. The whole server also counts other databases'
 * work, so nothing else may use this server during a run. Needs the server on this machine.
 */
export async function postgresServer(): Promise<ProcessMap> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  let postmaster: number;
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Read while the backend lives: it exits with the connection.
    postmaster = parentPid(rows[0]!.pid);
    if (Number.isNaN(postmaster)) throw new Error('PostgreSQL runs on another machine or in a container: its CPU cannot be read from /proc here');
  } finally {
    await client.end();
  }
  return { [POSTGRES]: () => processTreeCpuSeconds(postmaster) };
}

export const POSTGRES = 'PostgreSQL (whole server)';
export const DRIVER_WORKERS = 'driver workers';
export const KAFKA = 'Kafka broker (JVM)';
export const SERVICES = ['booking-service', 'dispatch-service', 'realtime-gateway'] as const;

/** The processes of the system under test (not the load generators), for CPU per unit of work. */
export const SYSTEM_GROUPS: readonly string[] = [...SERVICES, KAFKA, POSTGRES];

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
