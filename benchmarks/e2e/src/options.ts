import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Point } from '@rideline/demo/city';
import { OptionsError } from './cli.ts';
import { stringFlags } from '@rideline/stats/options';

export interface BenchOptions {
  /** Bookings per second, one phase each, played in this order in every run. */
  readonly rates: readonly number[];
  readonly durationS: number;
  readonly runs: number;
  readonly warmupS: number;
  readonly drivers: number;
  readonly riders: number;
  /** How long a booking may wait for its offer, and an accept for the rider's status. */
  readonly timeoutMs: number;
  readonly center: Point;
  readonly out: string;
}

const PACKAGE_DIR = resolve(import.meta.dirname, '..');

export const HELP = `Usage: pnpm --filter @rideline/e2e-bench bench [-- options]

Starts the three services (their own topics and a scratch database), connects drivers and
riders, plays bookings at steady rates and writes the latencies. Each option is also read from
the environment variable named after it.
  --rates A,B,...   bookings per second, one phase each    E2E_BENCH_RATES     5,20,50
  --duration S      seconds of booking per phase           E2E_BENCH_DURATION  10
  --runs N          runs of every phase (medians reported) E2E_BENCH_RUNS      3
  --warmup S        seconds at the middle rate, not kept   E2E_BENCH_WARMUP    5
  --drivers N       drivers on their sockets               E2E_BENCH_DRIVERS   50
  --riders N        riders, booking in turn                E2E_BENCH_RIDERS    25
  --timeout MS      wait for an offer / a status at most   E2E_BENCH_TIMEOUT   5000
  --center LAT,LNG  where drivers and pickups are          E2E_BENCH_CENTER    12.9716,77.5946
  --out FILE        the results file, from this package    E2E_BENCH_OUT       RESULTS.md
Infrastructure: KAFKA_BROKERS (default 127.0.0.1:9092) and RIDELINE_TEST_PG_URL (a server URL
whose user may create databases; default postgresql://postgres@127.0.0.1:5432/postgres).`;

export function readOptions(argv: readonly string[]): BenchOptions | 'help' {
  // `pnpm bench -- --rates 5` may hand the `--` through.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: stringFlags(['rates', 'duration', 'runs', 'warmup', 'drivers', 'riders', 'timeout', 'center', 'out']),
  });
  if (values.help) return 'help';
  const setting = (name: keyof typeof values & string, fallback: string): string =>
    (values[name] as string | undefined) ?? process.env[`E2E_BENCH_${name.toUpperCase()}`] ?? fallback;
  const number = (name: keyof typeof values & string, fallback: string, check: (n: number) => boolean, what: string): number => {
    const raw = setting(name, fallback);
    const value = Number(raw);
    if (raw.trim() === '' || !check(value)) throw new OptionsError(`--${name} must be ${what} (got ${raw})`);
    return value;
  };
  const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;

  const rates = setting('rates', '5,20,50')
    .split(',')
    .map((rate) => Number(rate.trim()));
  if (rates.length === 0 || rates.some((rate) => !(rate > 0))) throw new OptionsError(`--rates must be positive numbers, e.g. 5,20,50`);
  const [lat, lng] = setting('center', '12.9716,77.5946').split(',').map(Number);
  if (lat === undefined || lng === undefined || !(Math.abs(lat) <= 80) || !(Math.abs(lng) <= 180)) {
    throw new OptionsError(`--center must be LAT,LNG (got ${setting('center', '')})`);
  }
  return {
    rates,
    durationS: number('duration', '10', (n) => n > 0, 'a positive number of seconds'),
    runs: number('runs', '3', positiveInteger, 'a positive integer'),
    warmupS: number('warmup', '5', (n) => n >= 0, 'zero or more seconds'),
    drivers: number('drivers', '50', positiveInteger, 'a positive integer'),
    riders: number('riders', '25', positiveInteger, 'a positive integer'),
    timeoutMs: number('timeout', '5000', (n) => n > 0, 'a positive number of milliseconds'),
    center: { lat, lng },
    out: resolve(PACKAGE_DIR, setting('out', 'RESULTS.md')),
  };
}
