import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Point } from '@rideline/demo/city';
import { OptionsError } from '@rideline/e2e-bench/cli';
import { stringFlags } from '@rideline/stats/options';

export interface CityOptions {
  /** Drivers online, one step each, ascending (drivers are only ever added). */
  readonly drivers: readonly number[];
  /** Rides per second played at each driver count, ascending. */
  readonly rates: readonly number[];
  readonly periodS: number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Bisection steps between the highest rate that held the goals and the lowest that did not. */
  readonly refine: number;
  readonly runs: number;
  readonly riders: number;
  readonly driversPerWorker: number;
  readonly probes: number;
  readonly probeIntervalMs: number;
  readonly nearbyPrincipals: number;
  readonly timeoutMs: number;
  readonly center: Point;
  readonly cityRadiusKm: number;
  /** Another checkout of the repository, played in turn with this one (before/after). */
  readonly baseline: string | undefined;
  readonly out: string;
}

const PACKAGE_DIR = resolve(import.meta.dirname, '..');

/** name, environment variable suffix, default, help. The environment variable is CITY_BENCH_<suffix>. */
const SETTINGS = [
  ['drivers', 'DRIVERS', '1000,10000', 'drivers online, one step each (ascending)'],
  ['rates', 'RATES', '5,20,50', 'whole rides per second at each driver count'],
  ['period', 'PERIOD', '5', 'seconds between two location frames of a driver'],
  ['duration', 'DURATION', '30', 'seconds of rides per phase'],
  ['warmup', 'WARMUP', '10', 'seconds of rides at the middle rate first, not kept'],
  ['refine', 'REFINE', '1', 'bisection steps towards the largest rate holding the goals'],
  ['runs', 'RUNS', '1', 'runs of everything (alternating checkouts)'],
  ['riders', 'RIDERS', '', 'riders on their sockets (default 20 x the top rate, at least 100)'],
  ['drivers-per-worker', 'DRIVERS_PER_WORKER', '2500', 'driver sockets per worker process'],
  ['probes', 'PROBES', '6', 'probe drivers moved to time location -> nearby'],
  ['probe-interval', 'PROBE_INTERVAL', '1000', 'ms between two probe moves'],
  ['nearby-principals', 'NEARBY_PRINCIPALS', '20', 'riders the nearby asks rotate over (rate limit)'],
  ['timeout', 'TIMEOUT', '5000', 'ms to wait for each step of a ride (offer, accept, OTP)'],
  ['center', 'CENTER', '12.9716,77.5946', 'LAT,LNG of the city centre'],
  ['city-radius', 'CITY_RADIUS', '8', 'km: drivers wait uniformly within it'],
  ['baseline', 'BASELINE', '', 'path of another checkout to compare (its services are started)'],
  ['out', 'OUT', 'RESULTS.md', 'the results file, from this package'],
] as const;

type Name = (typeof SETTINGS)[number][0];

export const HELP = [
  'Usage: pnpm --filter @rideline/city-bench bench [-- options]',
  '',
  'Starts the three services, puts N drivers online in worker processes (location frames every',
  'period), plays whole rides open-loop at each rate, and writes the figures. Every option may also',
  'be given as CITY_BENCH_<NAME> in the environment.',
  ...SETTINGS.map(([name, env, fallback, help]) => `  --${name.padEnd(18)} ${help} [CITY_BENCH_${env}${fallback ? `, ${fallback}` : ''}]`),
  'Infrastructure: KAFKA_BROKERS (default 127.0.0.1:9092) and RIDELINE_TEST_PG_URL (a server URL',
  'whose user may create databases; default postgresql://postgres@127.0.0.1:5432/postgres).',
].join('\n');

export function readOptions(argv: readonly string[]): CityOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'), // `pnpm bench -- --rates 5` may hand the `--` through
    options: stringFlags(SETTINGS.map(([name]) => name)),
  });
  if (values.help) return 'help';
  // parseArgs types the options built from SETTINGS as unknown keys: every one of them is a string option.
  const given = values as Partial<Record<Name, string>>;
  const text = (name: Name): string => {
    const [, env, fallback] = SETTINGS.find(([n]) => n === name)!;
    return (given[name] ?? process.env[`CITY_BENCH_${env}`] ?? fallback).trim();
  };
  const numbers = (name: Name, valid: (n: number) => boolean, what: string): number[] => {
    const list = text(name)
      .split(',')
      .map((item) => Number(item.trim()));
    if (list.length === 0 || text(name) === '' || !list.every(valid)) throw new OptionsError(`--${name} must be ${what} (got "${text(name)}")`);
    return list;
  };
  const one = (name: Name, valid: (n: number) => boolean, what: string): number => {
    const [value, ...more] = numbers(name, valid, what);
    if (more.length) throw new OptionsError(`--${name} takes one value (got "${text(name)}")`);
    return value!;
  };
  const positive = (n: number) => n > 0;
  const count = (n: number) => Number.isInteger(n) && n > 0;
  const ascending = (list: number[]) => [...new Set(list)].sort((a, b) => a - b);

  const rates = ascending(numbers('rates', positive, 'positive numbers, e.g. 5,20,50'));
  const [lat, lng] = numbers('center', Number.isFinite, 'LAT,LNG');
  if (lat === undefined || lng === undefined || Math.abs(lat) > 80 || Math.abs(lng) > 180) throw new OptionsError(`--center must be LAT,LNG`);
  const baseline = text('baseline') === '' ? undefined : resolve(text('baseline'));
  if (baseline !== undefined && !existsSync(resolve(baseline, 'e2e/src/system.ts'))) {
    throw new OptionsError(`--baseline must be a checkout of this repository (no e2e/src/system.ts in ${baseline})`);
  }
  return {
    drivers: ascending(numbers('drivers', count, 'positive integers, e.g. 1000,10000')),
    rates,
    periodS: one('period', positive, 'a positive number of seconds'),
    durationS: one('duration', positive, 'a positive number of seconds'),
    warmupS: one('warmup', (n) => n >= 0, 'zero or more seconds'),
    refine: one('refine', (n) => Number.isInteger(n) && n >= 0, 'zero or more steps'),
    runs: one('runs', count, 'a positive integer'),
    riders: text('riders') === '' ? Math.max(100, Math.ceil(20 * rates.at(-1)!)) : one('riders', count, 'a positive integer'),
    driversPerWorker: one('drivers-per-worker', (n) => count(n) && n <= 15_000, 'a positive integer up to 15000 (20,000 open files per process)'),
    probes: one('probes', count, 'a positive integer'),
    probeIntervalMs: one('probe-interval', positive, 'a positive number of milliseconds'),
    nearbyPrincipals: one('nearby-principals', count, 'a positive integer'),
    timeoutMs: one('timeout', positive, 'a positive number of milliseconds'),
    center: { lat, lng },
    cityRadiusKm: one('city-radius', positive, 'a positive number of km'),
    baseline,
    out: resolve(PACKAGE_DIR, text('out')),
  };
}
