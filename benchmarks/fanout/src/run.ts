/**
 * Runs every fan-out target in one run with the same parameters and the same load generator,
 * `--runs` times each (interleaved: run 1 of every target, then run 2, ...), and writes the
 * medians to RESULTS.md. See README.md for what is measured and how.
 *
 *   pnpm --filter @rideline/fanout-bench bench [-- --connections 5000 --rates 10,50 ...]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { availableBookingMessage, nowMs, sleep } from './common.ts';
import { describeEnvironment } from './environment.ts';
import { LoadGenerator, saturated, type PhaseResult } from './loadgen.ts';
import { rssBytes } from './proc.ts';
import { renderResults, type TargetOutcome, type RunOutcome } from './report.ts';
import { djangoTarget, type ChannelLayerKind } from './targets/django.ts';
import { gatewayTarget, type GatewayProducerKind } from './targets/gateway.ts';
import { socketIoTarget, wsTarget } from './targets/node-peers.ts';
import type { RunningTarget, StartResult, Target } from './targets/target.ts';
import { stringFlags } from '@rideline/stats/options';

const PACKAGE_DIR = resolve(import.meta.dirname, '..');

const HELP = `Usage: pnpm --filter @rideline/fanout-bench bench [-- options]

Options (each also read from the environment variable named after it):
  --connections N      sockets connected to each target               FANOUT_CONNECTIONS   2000
  --fanout N           of which every publish reaches the first N     FANOUT_FANOUT        all
  --rates A,B,...      publishes per second, one phase each           FANOUT_RATES         1,10,15,20,30,50
  --duration S         seconds of publishing per phase                FANOUT_DURATION      3
  --runs N             runs of every target (medians are reported)    FANOUT_RUNS          3
  --workers N          client worker threads                          FANOUT_WORKERS       2
  --targets LIST       ws,socketio,django,gateway                     FANOUT_TARGETS       all four
  --channel-layer L    redis (channels_redis) or memory               FANOUT_CHANNEL_LAYER redis
  --redis-url URL      Redis of the channel layer                     FANOUT_REDIS_URL     redis://127.0.0.1:6379/0
  --gateway-producer P java (Kafka's Java client) or kafkajs          FANOUT_GATEWAY_PRODUCER java if it can run
  --drain-max MS       how long to wait for deliveries after a phase  FANOUT_DRAIN_MAX_MS  6000
  --out FILE           the results file                               FANOUT_OUT           RESULTS.md (this folder)
Kafka (gateway only): KAFKA_BROKERS (default 127.0.0.1:9092).`;

const { values: args } = parseArgs({
  options: stringFlags([
    'connections',
    'fanout',
    'rates',
    'duration',
    'runs',
    'workers',
    'targets',
    'channel-layer',
    'redis-url',
    'drain-max',
    'gateway-producer',
    'out',
  ]),
  allowPositionals: false,
  // `pnpm bench -- --runs 1` passes the `--` along.
  args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function setting(name: string, envName: string, fallback: string): string {
  return (args as Record<string, string | undefined>)[name] ?? process.env[envName] ?? fallback;
}
function positiveInt(name: string, envName: string, fallback: string): number {
  const raw = setting(name, envName, fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} (${envName}) must be a positive integer, got ${raw}`);
  return n;
}

const connections = positiveInt('connections', 'FANOUT_CONNECTIONS', '2000');
const fanout = Math.min(connections, positiveInt('fanout', 'FANOUT_FANOUT', String(connections)));
const rates = setting('rates', 'FANOUT_RATES', '1,10,15,20,30,50')
  .split(',')
  .map((r) => Number(r.trim()))
  .sort((a, b) => a - b);
if (rates.length === 0 || rates.some((r) => !(r > 0))) throw new Error('--rates must be positive numbers, e.g. 1,10,50');
const durationS = Number(setting('duration', 'FANOUT_DURATION', '3'));
if (!(durationS > 0)) throw new Error('--duration must be a positive number of seconds');
const runs = positiveInt('runs', 'FANOUT_RUNS', '3');
const workers = positiveInt('workers', 'FANOUT_WORKERS', '2');
const drainMaxMs = positiveInt('drain-max', 'FANOUT_DRAIN_MAX_MS', '6000');
const redisUrl = setting('redis-url', 'FANOUT_REDIS_URL', 'redis://127.0.0.1:6379/0');
const channelLayer = setting('channel-layer', 'FANOUT_CHANNEL_LAYER', 'redis') as ChannelLayerKind;
if (channelLayer !== 'redis' && channelLayer !== 'memory') throw new Error('--channel-layer must be redis or memory');
const gatewayProducer = setting('gateway-producer', 'FANOUT_GATEWAY_PRODUCER', 'auto') as GatewayProducerKind | 'auto';
if (!['java', 'kafkajs', 'auto'].includes(gatewayProducer)) throw new Error('--gateway-producer must be java or kafkajs');
const outFile = resolve(PACKAGE_DIR, setting('out', 'FANOUT_OUT', 'RESULTS.md'));
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

const allTargets: Record<string, () => Target> = {
  ws: () => wsTarget,
  socketio: () => socketIoTarget,
  django: () => djangoTarget(channelLayer, redisUrl),
  gateway: () => gatewayTarget(brokers, gatewayProducer),
};
const targetIds = setting('targets', 'FANOUT_TARGETS', 'ws,socketio,django,gateway')
  .split(',')
  .map((t) => t.trim());
for (const id of targetIds) if (!allTargets[id]) throw new Error(`unknown target ${id}; known: ${Object.keys(allTargets).join(', ')}`);

const log = (line: string) => console.log(line);
const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const fmtMs = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');

// ---------------------------------------------------------------------------------------------

const warmUpSlots = 400;
const maxSeq = runs * targetIds.length * (rates.reduce((n, r) => n + Math.round(r * durationS), 0) + warmUpSlots) + 1_000;
let current: RunningTarget | undefined;
const loadgen = new LoadGenerator(workers, maxSeq, (error) => {
  console.error(error.message);
  void shutdown(1);
});

async function shutdown(code: number): Promise<never> {
  await current?.stop().catch(() => {});
  await loadgen.terminate();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

interface TargetState {
  target: Target;
  outcome: TargetOutcome;
  /** Set once the target cannot run: later runs skip it. */
  gaveUp: boolean;
}

async function runOnce(state: TargetState, run: number): Promise<RunOutcome> {
  const { target } = state;
  const startId = `${Date.now().toString(36)}-${run}-${target.id}`;
  const notes: string[] = [];
  let started: StartResult;
  try {
    started = await target.start({ connections, fanout, startId });
  } catch (error) {
    return { run, ok: false, skip: `could not start: ${(error as Error).message}`, notes, phases: [] };
  }
  if (!started.ok) return { run, ok: false, skip: started.skip, notes, phases: [] };
  const running = started.target;
  current = running;
  try {
    await running.prepare?.();
    await sleep(500);
    const rssBefore = rssBytes(running.pid);
    const connected = await loadgen.connect(running, target.id === 'gateway' ? 50 : 100);
    if (connected.open === 0) {
      return {
        run,
        ok: false,
        skip: `no client socket could connect: ${connected.errors.join(' | ') || 'no error reported'}\n${running.output()}`,
        notes,
        phases: [],
      };
    }
    if (connected.failed > 0) notes.push(`${connected.failed} of ${connections} sockets failed to connect: ${connected.errors.join(' | ')}`);
    await sleep(1_000);
    const rssAfter = rssBytes(running.pid);
    const memPerConnBytes = (rssAfter - rssBefore) / connected.open;
    log(
      `  ${target.id}: ${connected.open} sockets open in ${(connected.ms / 1000).toFixed(1)} s; RSS ${(rssBefore / 2 ** 20).toFixed(1)} → ${(rssAfter / 2 ** 20).toFixed(1)} MiB = ${(memPerConnBytes / 1024).toFixed(1)} KiB per connection`,
    );

    const expectedFanout = Math.min(fanout, connected.open);
    const warm = await loadgen.warmUp(running, expectedFanout, target.id === 'gateway' ? 45_000 : 20_000);
    if (!warm.ok) {
      return {
        run,
        ok: false,
        skip: `sockets connected, but no message was delivered within ${(warm.ms / 1000).toFixed(0)} s of publishing${
          running.takePublishError() ? ` (${running.takePublishError() ?? ''})` : ''
        }\n${running.output()}`,
        notes,
        phases: [],
      };
    }

    const phases: PhaseResult[] = [];
    for (const rate of rates) {
      const result = await loadgen.phase(running, { rate, durationS, fanout: expectedFanout, quietMs: 1_000, drainMaxMs });
      phases.push(result);
      log(
        `  ${target.id} @ ${rate}/s: ${fmtInt(result.deliveriesPerSecond)} deliveries/s (${fmtInt(result.delivered)}/${fmtInt(result.expected)}), p50 ${fmtMs(result.p50Ms)} ms, p99 ${fmtMs(result.p99Ms)} ms, server CPU ${result.serverCpuUsPerDelivery.toFixed(1)} µs/delivery${
          result.notes.length ? `; ${result.notes.join('; ')}` : ''
        }`,
      );
      if (!saturated(result) && !result.driverBound) {
        // Anything still in flight must not leak into the next phase.
        await loadgen.waitQuiet(500, 10_000);
      } else {
        // Its ceiling is known (or the load generator's is); a higher rate would only pile up (or drop) more.
        const higher = rates.filter((r) => r > rate);
        const who = result.driverBound ? 'the load generator could not publish' : 'did not keep up';
        if (higher.length) {
          notes.push(`${who} at ${rate}/s: ${higher.join(', ')}/s not run`);
          log(`  ${target.id}: ${who} at ${rate}/s; skipping ${higher.join(', ')}/s`);
        }
        break;
      }
    }
    return {
      run,
      ok: true,
      notes,
      phases,
      open: connected.open,
      connectMs: connected.ms,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      memPerConnBytes,
    };
  } catch (error) {
    return { run, ok: false, skip: `failed: ${(error as Error).stack ?? String(error)}\n${running.output()}`, notes, phases: [] };
  } finally {
    await loadgen.close();
    await running.stop().catch(() => {});
    current = undefined;
  }
}

const env = describeEnvironment(redisUrl);
const loadBefore = loadavg()[0] ?? Number.NaN;
const startedAt = new Date();
log(`fan-out benchmark: ${connections} sockets, fan-out ${fanout}, rates ${rates.join(',')}/s for ${durationS} s, ${runs} runs, ${workers} client workers`);
log(`machine: ${env.machine}`);
log(
  `versions: ${Object.entries(env.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);

const states: TargetState[] = targetIds.map((id) => {
  const target = allTargets[id]!();
  return { target, gaveUp: false, outcome: { id, label: target.label, publishPath: target.publishPath, runs: [], notes: [] } };
});

const t0 = nowMs();
for (let run = 1; run <= runs; run++) {
  log(`run ${run}/${runs}`);
  for (const state of states) {
    if (state.gaveUp) continue;
    let outcome = await runOnce(state, run);
    if (!outcome.ok && state.target.id === 'django' && channelLayer === 'redis') {
      // The brief's fallback: the in-memory layer when channels_redis does not work here.
      log(`  django with channels_redis failed (${outcome.skip?.split('\n')[0] ?? ''}); trying InMemoryChannelLayer`);
      state.outcome.notes.push(`channels_redis failed in run ${run} (${outcome.skip?.split('\n')[0] ?? ''}); InMemoryChannelLayer used from then on`);
      state.target = djangoTarget('memory', redisUrl);
      state.outcome.label = state.target.label;
      state.outcome.publishPath = state.target.publishPath;
      outcome = await runOnce(state, run);
    }
    if (!outcome.ok) {
      log(`  ${state.target.id}: SKIPPED: ${outcome.skip ?? ''}`);
      state.gaveUp = true;
    }
    state.outcome.runs.push(outcome);
  }
}
await loadgen.terminate();
log(`done in ${((nowMs() - t0) / 1000).toFixed(0)} s`);

const markdown = renderResults({
  date: startedAt,
  environment: env,
  parameters: {
    connections,
    fanout,
    rates,
    durationS,
    runs,
    workers,
    drainMaxMs,
    channelLayer,
    brokers,
    payloadBytes: Buffer.byteLength(availableBookingMessage(1)),
  },
  targets: states.map((s) => s.outcome),
  elapsedS: (nowMs() - t0) / 1000,
  load: [loadBefore, loadavg()[0] ?? Number.NaN],
});
writeFileSync(outFile, markdown);
log(`\n${markdown}`);
log(`written to ${outFile}`);
process.exit(0);
