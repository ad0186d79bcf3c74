/**
 * booking-service under load, as deployed: the service in its own process on the real
 * PostgreSQL and Kafka, loaded over HTTP by autocannon from this process.
 *
 * - throughput: POST /bookings as fast as 64 connections go (bookings created per second);
 * - latency at fixed rates (coordinated omission corrected by autocannon): p50/p99;
 * - commit to Kafka: for every booking event, the time from `occurred_at` (stamped just before
 *   the transaction) to the record's broker timestamp (the relay's send) and to its receipt by
 *   a consumer. Both are upper bounds of commit → Kafka.
 * Several runs each; the table reports medians. Results: bench/RESULTS.md.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { createScratchDatabase } from '@rideline/postgres/testing';
import { startServiceProcess, testKafkaBrokers, waitUntilReady } from '@rideline/test-support';
import { median, percentile } from '@rideline/stats';
import autocannon from 'autocannon';
import kafkajs from 'kafkajs';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const RATES = (process.env['BENCH_RATES'] ?? '500,1000,1500').split(',').map(Number);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const run = Date.now().toString(36);

const ms = (value: number) => value.toFixed(2);

const database = await createScratchDatabase(undefined, 'rideline_booking_bench');
const topicEnv = Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `bench-${run}.${TOPICS[id].defaultName}`]));
/**
 * Bookings come from RIDERS riders in turn. A rider may hold one active booking (the default of
 * RIDER_MAX_ACTIVE_BOOKINGS), and thousands are made per second and never accepted; so the limit
 * is raised here, and the riders are many enough that each one's count of active bookings (read
 * under its lock at every request) stays in the hundreds, as the write path is meant to be measured.
 */
const RIDERS = Number(process.env['BENCH_RIDERS'] ?? 256);
const service = await startServiceProcess(serviceDir, {
  DATABASE_URL: database.databaseUrl,
  KAFKA_BROKERS: testKafkaBrokers(),
  LOG_LEVEL: 'warn',
  RIDER_MAX_ACTIVE_BOOKINGS: '10000',
  BOOKING_OFFERS_CONSUMER_GROUP: `bench-${run}.booking.offers`,
  ...topicEnv,
});

const kafka = new kafkajs.Kafka({ brokers: testKafkaBrokers().split(','), logLevel: kafkajs.logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-${run}` });
const toBroker: number[] = [];
const toConsumer: number[] = [];

try {
  await waitUntilReady(service);
  // Registration hashes a password: on a busy machine the hashing gate sheds some of 256 at once
  // with 503 SERVICE_BUSY. Such a rider is registered again after Retry-After, never left without
  // a token (its bookings would all be 401s, counted as the service's errors).
  const register = async (i: number): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const registered = await fetch(`${service.baseUrl}/auth/users/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bench', email: `bench-${run}-${i}@example.com`, password: 'correct horse battery' }),
      });
      if (registered.status === 201) return ((await registered.json()) as { access_token: string }).access_token;
      if (registered.status !== 503 || attempt === 20) throw new Error(`registering rider ${i}: ${registered.status} ${await registered.text()}`);
      await new Promise((resolve) => setTimeout(resolve, Number(registered.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const tokens = await Promise.all(Array.from({ length: RIDERS }, (_, i) => register(i)));
  let nextRider = 0;

  await consumer.connect();
  await consumer.subscribe({ topic: topicEnv['TOPIC_BOOKING_EVENTS']!, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const occurred = Date.parse((JSON.parse(message.value!.toString()) as { occurred_at: string }).occurred_at);
      toBroker.push(Number(message.timestamp) - occurred);
      toConsumer.push(Date.now() - occurred);
    },
  });

  const load = (options: { connections: number; overallRate?: number; duration: number }) =>
    autocannon({
      url: `${service.baseUrl}/bookings`,
      method: 'POST',
      body: JSON.stringify({
        pickup: { lat: 12.9716, lng: 77.5946, address: '123 Street, City' },
        dropoff: { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' },
      }),
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[nextRider++ % tokens.length]}` },
          }),
        },
      ],
      ...options,
    });

  await load({ connections: 16, duration: 3 }); // warm-up: JIT, pools, the relay's first batches
  const throughput: number[] = [];
  const fixed = new Map<
    number,
    { achieved: number[]; p50: number[]; p99: number[]; errors: number[]; broker99: number[]; consumer99: number[]; broker50: number[] }
  >();
  for (let r = 0; r < RUNS; r++) {
    const result = await load({ connections: 64, duration: SECONDS });
    throughput.push(result['2xx'] / SECONDS);
    for (const rate of RATES) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      toBroker.length = 0;
      toConsumer.length = 0;
      const measured = await load({ connections: 64, overallRate: rate, duration: SECONDS });
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the last events arrive
      const brokerSorted = [...toBroker].sort((a, b) => a - b);
      const consumerSorted = [...toConsumer].sort((a, b) => a - b);
      const entry = fixed.get(rate) ?? { achieved: [], p50: [], p99: [], errors: [], broker99: [], consumer99: [], broker50: [] };
      entry.achieved.push(measured['2xx'] / SECONDS);
      entry.p50.push(measured.latency.p50);
      entry.p99.push(measured.latency.p99);
      entry.errors.push(measured.non2xx + measured.errors);
      entry.broker50.push(percentile(brokerSorted, 50));
      entry.broker99.push(percentile(brokerSorted, 99));
      entry.consumer99.push(percentile(consumerSorted, 99));
      fixed.set(rate, entry);
      process.stderr.write(
        `run ${r + 1} rate ${rate}/s: p50 ${measured.latency.p50} ms p99 ${measured.latency.p99} ms, to broker p99 ${percentile(brokerSorted, 99)} ms\n`,
      );
    }
    process.stderr.write(`run ${r + 1}: ${throughput.at(-1)?.toFixed(0)} bookings/s at full speed\n`);
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# booking-service benchmark',
    '',
    `Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    'Everything on this one machine: the service (one process), PostgreSQL, the Kafka broker and the load generator (autocannon, 64 connections).',
    `Bookings come from ${RIDERS} riders in turn (RIDER_MAX_ACTIVE_BOOKINGS raised for the run: none is ever accepted).`,
    `Medians of ${RUNS} runs of ${SECONDS} s each. Written by \`pnpm bench\` (services/booking-service/bench/booking.bench.ts).`,
    '',
    '## POST /bookings',
    '',
    '| load | bookings/s achieved | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|',
    `| as fast as possible | ${median(throughput).toFixed(0)} | | | |`,
    ...[...fixed].map(
      ([rate, e]) => `| fixed ${rate}/s | ${median(e.achieved).toFixed(0)} | ${ms(median(e.p50))} | ${ms(median(e.p99))} | ${median(e.errors)} |`,
    ),
    '',
    '## Commit to Kafka',
    '',
    'From `occurred_at` (stamped before the transaction commits) to the record on the broker (its timestamp, set by the relay when it sends) and to a consumer receiving it.',
    '',
    '| load | to broker p50 ms | to broker p99 ms | to consumer p99 ms |',
    '|---|---|---|---|',
    ...[...fixed].map(([rate, e]) => `| fixed ${rate}/s | ${ms(median(e.broker50))} | ${ms(median(e.broker99))} | ${ms(median(e.consumer99))} |`),
    '',
  ];
  await writeFile(new URL('./RESULTS.md', import.meta.url), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
} finally {
  await consumer.disconnect().catch(() => {});
  await service.stop();
  await database.drop();
}
