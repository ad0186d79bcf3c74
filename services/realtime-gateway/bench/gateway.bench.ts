/**
 * realtime-gateway benchmark: many authenticated idle sockets (resident memory per socket), then
 * live delivery from Kafka to sockets (rate, and latency from the produce call to the socket
 * receiving the message). Writes bench/RESULTS.md.
 *
 *   pnpm bench                              # 5,000 sockets, ~1 min
 *   pnpm bench -- --sockets 50000           # the issue's target (needs `ulimit -n` above 50,000)
 *   pnpm bench -- --fanout 10               # 10 sockets per principal: each event is 10 deliveries
 *
 * The gateway runs as its own process (`src/main.ts`, as in production) so that its memory is
 * measured alone; the clients, the JWKS stand-in and the producer run in this process. Both
 * processes hold one file descriptor per socket: the count is capped by `ulimit -n`.
 * GATEWAY_NODE_ARGS adds Node flags to the gateway process (e.g. `--cpu-prof`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TopicMessage } from '@rideline/contracts';
import { freePort, processCpuSeconds, testKafkaBrokers } from '@rideline/test-support';
import { percentile } from '@rideline/stats';
import WebSocket from 'ws';
import { deleteTopics, startTestKafka, topicEnv, uniqueTopics } from '../test/support/gateway.ts';
import { startTestIssuer } from '../test/support/jwks-server.ts';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '5000' },
    fanout: { type: 'string', default: '1' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    burst: { type: 'string', default: '100000' },
    out: { type: 'string', default: fileURLToPath(new URL('./RESULTS.md', import.meta.url)) },
  },
  // `pnpm bench -- --sockets 50000` passes the `--` along.
  args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
});
const requested = Number(args.sockets);
const fanout = Math.max(1, Number(args.fanout));
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const burst = Number(args.burst);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));

const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 1024;
// Each process holds one descriptor per socket, plus the broker connections and some slack.
const sockets = Math.min(requested, fdLimit - 500);
const log = (line: string) => process.stdout.write(`${line}\n`);
if (sockets < requested) log(`fd limit is ${fdLimit}: opening ${sockets} sockets instead of ${requested}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

async function metricsOf(base: string): Promise<{ rss: number; heap: number; delivered: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const pick = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const delivered = [...text.matchAll(/^rideline_gateway_messages_delivered_total\{[^}]*\} ([0-9.e+]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { rss: pick('process_resident_memory_bytes'), heap: pick('nodejs_heap_size_used_bytes'), delivered };
}

const issuer = await startTestIssuer();
const topics = uniqueTopics('bench');
const kafka = await startTestKafka(topics);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const gateway = spawn(
  process.execPath,
  [...(process.env['GATEWAY_NODE_ARGS']?.split(' ').filter(Boolean) ?? []), '--conditions=development', '--import', 'tsx', 'src/main.ts'],
  {
    cwd: serviceDir,
    env: {
      ...process.env,
      ...topicEnv(topics),
      KAFKA_BROKERS: testKafkaBrokers(),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      AUTH_JWKS_URL: issuer.url,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const clients: WebSocket[] = [];
// Never leave the gateway running if this process is interrupted.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    gateway.kill('SIGKILL');
    process.exit(130);
  });
}

try {
  for (let ready = false; !ready; await sleep(100))
    ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
  log(`gateway ready on ${base}; opening ${sockets} sockets (${fanout} per principal)`);

  const principals = Array.from({ length: Math.ceil(sockets / fanout) }, () => randomUUID());
  const tokens = principals.map((id) => issuer.token({ kind: 'user', id }, 3_600));
  const received = new Map<string, number>();
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  let recording = false;
  let firstAt = 0;
  let lastAt = 0;

  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const principal = index % principals.length;
      // One source address has ~28k ephemeral ports: past 20k sockets, spread over other loopback
      // addresses. Only then, since binding a source address first makes each connect slower.
      const extra = Math.floor(index / 20_000);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/bookings/`, {
        headers: { authorization: `Bearer ${tokens[principal]}` },
        perMessageDeflate: false,
        handshakeTimeout: 30_000,
        ...(extra > 0 ? { localAddress: `127.0.0.${1 + extra}` } : {}),
      });
      ws.on('message', (data) => {
        const now = performance.now();
        if (!recording) return;
        const { booking_id: bookingId } = JSON.parse(data.toString()) as { booking_id: string };
        const sent = sentAt.get(bookingId);
        if (sent !== undefined && !received.has(`${bookingId}:${index}`)) {
          latencies.push(now - sent);
          received.set(`${bookingId}:${index}`, now);
        }
        if (firstAt === 0) firstAt = now;
        lastAt = now;
      });
      ws.once('open', () => resolve());
      ws.once('error', reject);
      clients.push(ws);
    });

  // Warm the code paths, then take the baseline.
  for (let i = 0; i < 50; i++) await open(i);
  for (const ws of clients.splice(0)) ws.close();
  await sleep(2_000);
  const baseline = await metricsOf(base);

  const connectStarted = performance.now();
  for (let next = 0; next < sockets; ) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 250 && next < sockets; i++) batch.push(open(next++));
    await Promise.all(batch);
    if (next % 5_000 === 0) log(`  ${next} open after ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`);
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await sleep(3_000);
  const loaded = await metricsOf(base);
  const perSocketRss = (loaded.rss - baseline.rss) / sockets;
  const perSocketHeap = (loaded.heap - baseline.heap) / sockets;
  log(
    `${sockets} sockets open in ${connectSeconds.toFixed(1)} s; RSS +${kib(loaded.rss - baseline.rss)} KiB = ${kib(perSocketRss)} KiB/socket (heap ${kib(perSocketHeap)} KiB/socket)`,
  );

  const event = (userId: string): TopicMessage<'bookingEvents'> => ({
    event_id: randomUUID(),
    type: 'BookingRequested',
    version: 1,
    occurred_at: new Date().toISOString(),
    data: {
      booking_id: randomUUID(),
      user_id: userId,
      pickup: { lat: 12.97, lng: 77.59, address: '123 Street, City' },
      dropoff: { lat: 12.99, lng: 77.61, address: '456 Avenue, City' },
      estimated_cost: 300,
      expires_at: new Date(Date.now() + 120_000).toISOString(),
    },
  });
  const send = async (count: number) => {
    const messages = Array.from({ length: count }, () => event(principals[Math.floor(Math.random() * principals.length)]!));
    const now = performance.now();
    for (const message of messages) sentAt.set(message.data.booking_id, now);
    await kafka.publisher.publish(messages.map((message) => ({ topic: 'bookingEvents' as const, key: message.data.booking_id, message })));
  };
  const gatewayCpuMicros = () => processCpuSeconds(gateway.pid!) * 1e6;
  const drain = async (expected: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (received.size < expected && Date.now() < deadline) await sleep(20);
  };

  // Phase 1: a steady rate, latency from the produce call to the socket receiving.
  log(`latency: ${rate} events/s for ${seconds} s`);
  recording = true;
  const steadyStart = performance.now();
  const steadyCpuStart = gatewayCpuMicros();
  let produced = 0;
  while (performance.now() - steadyStart < seconds * 1000) {
    const due = Math.floor(((performance.now() - steadyStart) / 1000) * rate) - produced;
    if (due > 0) {
      await send(due);
      produced += due;
    } else {
      await sleep(2);
    }
  }
  await drain(produced * fanout, 15_000);
  const steadyCpuPerDelivery = (gatewayCpuMicros() - steadyCpuStart) / Math.max(1, received.size);
  const steadyLatencies = latencies.splice(0).sort((a, b) => a - b);
  const steadyReceived = received.size;
  log(
    `  received ${steadyReceived}/${produced * fanout}; p50 ${percentile(steadyLatencies, 50).toFixed(1)} ms, p99 ${percentile(steadyLatencies, 99).toFixed(1)} ms; gateway CPU ${steadyCpuPerDelivery.toFixed(1)} µs/delivery`,
  );

  // Phase 2: the gateway's own delivery rate. With every process sharing two cores, producing
  // while the gateway delivers measures the producer as much as the gateway; so the gateway is
  // frozen (SIGSTOP) while the burst is produced, then thawed to drain the backlog, and the rate
  // is the clients' receive rate during the drain.
  received.clear();
  sentAt.clear();
  firstAt = 0;
  log(`throughput: ${burst} events produced while the gateway is frozen, then drained`);
  const before = await metricsOf(base);
  gateway.kill('SIGSTOP');
  const burstStart = performance.now();
  try {
    for (let sent = 0; sent < burst; sent += 5_000) await send(Math.min(5_000, burst - sent));
  } finally {
    gateway.kill('SIGCONT');
  }
  const produceSeconds = (performance.now() - burstStart) / 1000;
  const drainCpuStart = gatewayCpuMicros();
  await drain(burst * fanout, 60_000);
  const drainCpuPerDelivery = (gatewayCpuMicros() - drainCpuStart) / Math.max(1, received.size);
  const after = await metricsOf(base);
  const deliverySeconds = (lastAt - firstAt) / 1000;
  const burstReceived = received.size;
  const deliveryRate = burstReceived / deliverySeconds;
  log(
    `  produced in ${produceSeconds.toFixed(1)} s (${Math.round(burst / produceSeconds)}/s); delivered ${burstReceived} in ${deliverySeconds.toFixed(1)} s = ${Math.round(deliveryRate)}/s; gateway CPU ${drainCpuPerDelivery.toFixed(1)} µs/delivery`,
  );

  const results = `# realtime-gateway benchmark

Written by \`pnpm bench\` (\`bench/gateway.bench.ts\`); run it again to refresh. The gateway runs as
its own process (\`src/main.ts\`) against the real broker; the clients (\`ws\`), the JWKS stand-in
and the producer (kafkajs, acks=all) share a second process. Everything, the Kafka broker
included, shares one machine.

- Date: ${new Date().toISOString()}
- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}
- Command: \`pnpm bench -- --sockets ${requested} --fanout ${fanout} --rate ${rate} --seconds ${seconds} --burst ${burst}\`
${sockets < requested ? `- The open-files limit here is ${fdLimit}, so ${sockets} sockets were opened instead of ${requested}.\n` : ''}
## Idle sockets

| sockets | principals | connect time | gateway RSS before → after | RSS per socket | JS heap per socket |
|---|---|---|---|---|---|
| ${sockets} | ${principals.length} | ${connectSeconds.toFixed(1)} s | ${(baseline.rss / 2 ** 20).toFixed(0)} → ${(loaded.rss / 2 ** 20).toFixed(0)} MiB | **${kib(perSocketRss)} KiB** | ${kib(perSocketHeap)} KiB |

## Delivery (Kafka → socket)

Latency is from the produce call (before the broker's ack) to the client receiving the message.
Each event is one \`BookingRequested\` for a random connected principal, so it is delivered to
${fanout} socket${fanout === 1 ? '' : 's'}.

| phase | events | deliveries received | rate | p50 | p90 | p99 | max | gateway CPU per delivery |
|---|---|---|---|---|---|---|---|---|
| steady ${rate} events/s for ${seconds} s | ${produced} | ${steadyReceived} | ${Math.round(steadyReceived / seconds)} deliveries/s | ${percentile(steadyLatencies, 50).toFixed(1)} ms | ${percentile(steadyLatencies, 90).toFixed(1)} ms | ${percentile(steadyLatencies, 99).toFixed(1)} ms | ${(steadyLatencies.at(-1) ?? NaN).toFixed(1)} ms | ${steadyCpuPerDelivery.toFixed(1)} µs |
| backlog drain: ${burst} events produced (in ${produceSeconds.toFixed(1)} s) while the gateway was frozen, then delivered | ${burst} | ${burstReceived} | **${Math.round(deliveryRate)} deliveries/s** | n/a | n/a | n/a | n/a | ${drainCpuPerDelivery.toFixed(1)} µs |

Gateway counters over the drain: ${after.delivered - before.delivered} messages written. The drain rate is
the gateway's (reading Kafka, decoding and validating each record, updating the projection,
writing to the socket) together with the clients' reading, on two cores shared with the broker.
Gateway CPU per delivery is its user + system time during the phase (\`/proc/<pid>/stat\`) ÷ the
deliveries: what one delivery costs the gateway whatever else shares the cores.
`;
  writeFileSync(args.out, results);
  log(`wrote ${args.out}`);
} finally {
  // The gateway first: its shutdown closes every socket (1001) and, as the server, ends the TCP
  // connection first, so TIME_WAIT lands on its port rather than on this side's ephemeral ports
  // (which the next run needs).
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  for (const ws of clients) ws.terminate();
  await deleteTopics(kafka, topics);
  await kafka.close();
  await issuer.close();
}
