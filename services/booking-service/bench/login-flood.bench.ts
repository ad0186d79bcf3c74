/**
 * A real rider's login during a wrong-password flood, with and without the password-hashing
 * bound. booking-service runs in its own process (real PostgreSQL and Kafka); this process
 * floods it and logs the rider in over HTTP.
 *
 * - The flood: 24 workers, each sending its next wrong login as soon as the last answered.
 *   Every attempt comes from a fresh random address (X-Forwarded-For, TRUST_PROXY_HOPS=1), so
 *   the per-address throttle never bites, and targets one of 40 accounts, with the per-account
 *   limit raised (LOGIN_ACCOUNT_FREE_FAILURES=1000000) so no attempt is answered by the
 *   throttle: every flood request costs a hash. This measures the hashing bound, not the
 *   throttle (which, at its defaults, would lock these 40 accounts after 5 failures each).
 * - The rider: logs in with the right password, one login at a time, from its own address.
 * - Configurations: `unbounded` (PASSWORD_HASH_CONCURRENCY=1024: every login hashes at once,
 *   as before the bound), `bounded` (the defaults), and `bounded, stuffing` (each flood attempt
 *   on a never-seen account: nothing tells the flood from the rider, the worst case for the
 *   bound's priority lane).
 * Several runs each; the table reports medians. Results: bench/LOGIN_RESULTS.md.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { createScratchDatabase } from '@rideline/postgres/testing';
import { startServiceProcess, testKafkaBrokers, waitUntilReady } from '@rideline/test-support';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const WORKERS = 24;
const FLOOD_ACCOUNTS = 40;
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const run = Date.now().toString(36);

interface Configuration {
  readonly name: string;
  readonly env: Record<string, string>;
  /** The flood's target for its n-th attempt. */
  readonly target: (n: number) => string;
}

const configurations: Configuration[] = [
  { name: 'unbounded (before)', env: { PASSWORD_HASH_CONCURRENCY: '1024' }, target: () => `flood-${randomInt(FLOOD_ACCOUNTS)}@example.com` },
  { name: 'bounded (defaults)', env: {}, target: () => `flood-${randomInt(FLOOD_ACCOUNTS)}@example.com` },
  { name: 'bounded, stuffing', env: {}, target: (n) => `stuffing-${run}-${n}@example.com` },
];

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

interface Sample {
  readonly ms: number;
  readonly status: number;
}

async function login(baseUrl: string, email: string, password: string, address: string): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/auth/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ email, password }),
  });
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

interface RunResult {
  readonly riderP50: number;
  readonly riderP99: number;
  readonly riderMax: number;
  readonly riderOk: number;
  readonly riderTotal: number;
  readonly floodPerSecond: number;
  readonly floodShed: number;
}

async function measure(baseUrl: string, configuration: Configuration, rider: { email: string; password: string }): Promise<RunResult> {
  let stop = false;
  let attempts = 0;
  const floodStatuses = new Map<number, number>();
  const workers = Array.from({ length: WORKERS }, async () => {
    while (!stop) {
      const sample = await login(baseUrl, configuration.target(attempts++), 'wrong-password', randomAddress()).catch(() => ({ ms: 0, status: 0 }));
      floodStatuses.set(sample.status, (floodStatuses.get(sample.status) ?? 0) + 1);
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // the flood fills the queue first
  const samples: Sample[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  while (Date.now() < deadline) {
    samples.push(await login(baseUrl, rider.email, rider.password, '192.0.2.1'));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stop = true;
  await Promise.all(workers);
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    riderP50: percentile(sorted, 50),
    riderP99: percentile(sorted, 99),
    riderMax: sorted.at(-1) ?? NaN,
    riderOk: samples.filter((s) => s.status === 200).length,
    riderTotal: samples.length,
    floodPerSecond: (floodStatuses.get(401) ?? 0) / (SECONDS + 2),
    floodShed: floodStatuses.get(503) ?? 0,
  };
}

const rows: string[] = [];
let quiet = NaN;
for (const configuration of configurations) {
  const database = await createScratchDatabase(undefined, 'rideline_booking_login_bench');
  const topicEnv = Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `bench-${run}.${TOPICS[id].defaultName}`]));
  const service = await startServiceProcess(serviceDir, {
    DATABASE_URL: database.databaseUrl,
    KAFKA_BROKERS: testKafkaBrokers(),
    LOG_LEVEL: 'error',
    TRUST_PROXY_HOPS: '1',
    LOGIN_ACCOUNT_FREE_FAILURES: '1000000',
    ...topicEnv,
    ...configuration.env,
  });
  try {
    await waitUntilReady(service);
    const rider = { email: `rider-${run}@example.com`, password: 'correct horse battery' };
    const registered = await fetch(`${service.baseUrl}/auth/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Rider', ...rider }),
    });
    if (registered.status !== 201) throw new Error(`registration failed: ${registered.status}`);
    if (Number.isNaN(quiet)) {
      const alone: number[] = [];
      for (let i = 0; i < 10; i++) alone.push((await login(service.baseUrl, rider.email, rider.password, '192.0.2.1')).ms);
      quiet = median(alone);
    }
    const results: RunResult[] = [];
    for (let r = 0; r < RUNS; r++) {
      const result = await measure(service.baseUrl, configuration, rider);
      results.push(result);
      process.stderr.write(
        `${configuration.name} run ${r + 1}: rider p50 ${result.riderP50.toFixed(0)} ms p99 ${result.riderP99.toFixed(0)} ms, ` +
          `${result.riderOk}/${result.riderTotal} ok; flood ${result.floodPerSecond.toFixed(1)} hashed/s, ${result.floodShed} shed\n`,
      );
    }
    const of = (pick: (r: RunResult) => number) => median(results.map(pick));
    rows.push(
      `| ${configuration.name} | ${of((r) => r.riderP50).toFixed(0)} | ${of((r) => r.riderP99).toFixed(0)} | ${of((r) => r.riderMax).toFixed(0)} | ` +
        `${of((r) => (100 * r.riderOk) / r.riderTotal).toFixed(0)}% of ${of((r) => r.riderTotal)} | ${of((r) => r.floodPerSecond).toFixed(1)} | ${of((r) => r.floodShed)} |`,
    );
  } finally {
    await service.stop();
    await database.drop();
  }
}

const lines = [
  '# booking-service: a login during a wrong-password flood',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
  'Everything on this one machine: the service (one process), PostgreSQL, the Kafka broker and the load generator.',
  `Medians of ${RUNS} runs of ${SECONDS} s each. Written by \`pnpm bench\` (services/booking-service/bench/login-flood.bench.ts).`,
  '',
  `Flood: ${WORKERS} workers, each sending its next wrong login as soon as the previous one is answered; every attempt from a fresh random`,
  `address (X-Forwarded-For behind TRUST_PROXY_HOPS=1) against one of ${FLOOD_ACCOUNTS} accounts, the per-account limit raised so that no`,
  'attempt is refused by the throttle: every one costs a scrypt hash (this measures the hashing bound, not the throttle).',
  '`stuffing`: each attempt on a never-seen account instead, so nothing tells it from a real login.',
  'Rider: one correct login at a time, 100 ms apart, from its own address.',
  `Rider alone, no flood: median ${quiet.toFixed(0)} ms.`,
  '',
  '| configuration | rider p50 ms | rider p99 ms | rider max ms | rider logins answered 200 | flood hashed/s | flood shed (503) |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
];
await writeFile(new URL('./LOGIN_RESULTS.md', import.meta.url), lines.join('\n'));
process.stdout.write(lines.join('\n'));
