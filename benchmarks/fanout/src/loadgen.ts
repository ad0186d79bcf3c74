/**
 * The load generator: client worker threads holding the sockets, and the driver (this thread)
 * publishing at a fixed rate and writing each publish's time into shared memory. The same for
 * every target; a target only says how to connect and how to publish.
 */
import { Worker } from 'node:worker_threads';
import { nowMs, sleep, type SharedBuffers, type WorkerCommand, type WorkerInit, type WorkerReply } from './common.ts';
import { processCpuSeconds } from '@rideline/test-support';
import { percentile } from '@rideline/stats';
import type { RunningTarget } from './targets/target.ts';

export interface PhaseResult {
  /** Publishes per second asked for. */
  readonly rate: number;
  readonly published: number;
  /** Deliveries the publishes should have made (published × fan-out). */
  readonly expected: number;
  readonly delivered: number;
  /** Deliveries after the first publish had fully arrived ÷ the time from then to the last delivery. */
  readonly deliveriesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Server CPU time per delivery, µs (user + system of the server process only). */
  readonly serverCpuUsPerDelivery: number;
  /** Server CPU time ÷ wall time of the phase (publishing and draining): 1 = one core busy throughout. */
  readonly serverCpuShare: number;
  /** CPU time per delivery of the helper process (Redis, the Kafka broker), µs, if any. */
  readonly helperCpuUsPerDelivery: number;
  /** CPU time per delivery of this load generator (driver and client workers), µs. */
  readonly loadgenCpuUsPerDelivery: number;
  /** Size of a delivered frame, bytes. */
  readonly frameBytes: number;
  /**
   * The load generator could not publish at this rate (it fell behind its schedule, or its
   * produces piled up unacknowledged): the phase measures the driver, not the target.
   */
  readonly driverBound: boolean;
  /** How late the driver finished publishing compared with the schedule, ms. */
  readonly publishLagMs: number;
  readonly notes: readonly string[];
}

/**
 * The load generator counts as unable to publish when the publish path's median acknowledgement
 * (a Kafka produce's) takes longer than this many publish intervals: its produces queue up.
 */
const ACK_BACKLOG_INTERVALS = 3;

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_URL = new URL('./client-worker.ts', import.meta.url).href;

type Reply<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

export class LoadGenerator {
  readonly #workers: Worker[] = [];
  readonly #sendTimes: Float64Array;
  readonly #delivered: Int32Array;
  readonly #anyDelivered: Int32Array;
  readonly #lastReceipt: Float64Array;
  #nextSeq = 1;

  constructor(workerCount: number, maxSeq: number, onFatal: (error: Error) => void) {
    const shared: SharedBuffers = {
      sendTimes: new SharedArrayBuffer(8 * (maxSeq + 1)),
      delivered: new SharedArrayBuffer(4 * workerCount),
      anyDelivered: new SharedArrayBuffer(4 * workerCount),
      lastReceipt: new SharedArrayBuffer(8 * workerCount),
    };
    this.#sendTimes = new Float64Array(shared.sendTimes);
    this.#delivered = new Int32Array(shared.delivered);
    this.#anyDelivered = new Int32Array(shared.anyDelivered);
    this.#lastReceipt = new Float64Array(shared.lastReceipt);
    for (let index = 0; index < workerCount; index++) {
      const init: WorkerInit = { index, shared };
      // A worker thread does not inherit tsx's loader (the tsx CLI registers it in this thread
      // only): the worker registers it, then imports the TypeScript worker module.
      const bootstrap = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
      const worker = new Worker(bootstrap, { eval: true, workerData: init });
      worker.on('error', (error) => onFatal(new Error(`client worker ${index} failed: ${error.stack ?? String(error)}`)));
      this.#workers.push(worker);
    }
  }

  #ask<T extends WorkerReply['type']>(worker: Worker, command: WorkerCommand, answer: T): Promise<Reply<T>> {
    return new Promise((resolve) => {
      const listener = (reply: WorkerReply) => {
        if (reply.type !== answer) return;
        worker.off('message', listener);
        resolve(reply as Reply<T>);
      };
      worker.on('message', listener);
      worker.postMessage(command);
    });
  }

  #all<T extends WorkerReply['type']>(command: (index: number) => WorkerCommand, answer: T): Promise<Reply<T>[]> {
    return Promise.all(this.#workers.map((worker, i) => this.#ask(worker, command(i), answer)));
  }

  /** Opens the target's sockets, socket i on worker i mod W, `concurrency` handshakes at a time per worker. */
  async connect(target: RunningTarget, concurrency: number): Promise<{ open: number; failed: number; errors: string[]; ms: number }> {
    const started = nowMs();
    const count = this.#workers.length;
    const replies = await this.#all(
      (w) => ({
        type: 'connect',
        protocol: target.protocol,
        sockets: target.sockets.filter((_, i) => i % count === w),
        concurrency,
        timeoutMs: 20_000,
      }),
      'connected',
    );
    const errors = [...new Set(replies.flatMap((r) => r.errors))];
    return {
      open: replies.reduce((n, r) => n + r.open, 0),
      failed: replies.reduce((n, r) => n + r.failed, 0),
      errors,
      ms: nowMs() - started,
    };
  }

  async close(): Promise<void> {
    await this.#all(() => ({ type: 'close' }), 'closed');
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #sum(counters: Int32Array): number {
    let total = 0;
    for (let i = 0; i < counters.length; i++) total += Atomics.load(counters, i);
    return total;
  }

  /** Starts a phase: deliveries of publishes before `nextSeq` no longer count. */
  async #startPhase(): Promise<number> {
    const firstSeq = this.#nextSeq;
    await this.#all(() => ({ type: 'phase', firstSeq }), 'phase-set');
    return firstSeq;
  }

  #publish(target: RunningTarget): void {
    const seq = this.#nextSeq++;
    if (seq >= this.#sendTimes.length) throw new Error('bench bug: more publishes than sequence numbers');
    this.#sendTimes[seq] = nowMs();
    target.publish(seq);
  }

  /** Waits until no delivery at all (late ones included) has arrived for `quietMs`, at most `maxMs`. */
  async waitQuiet(quietMs: number, maxMs: number): Promise<boolean> {
    const deadline = nowMs() + maxMs;
    let last = this.#sum(this.#anyDelivered);
    let since = nowMs();
    while (nowMs() < deadline) {
      await sleep(50);
      const now = this.#sum(this.#anyDelivered);
      if (now !== last) {
        last = now;
        since = nowMs();
      } else if (nowMs() - since >= quietMs) return true;
    }
    return false;
  }

  /**
   * Publishes until the first publish has reached every socket of the fan-out set (the target's
   * subscriptions are in place: a Kafka consumer has joined its group, a channel layer has its
   * groups), then a few more, and waits for quiet. False if nothing arrived within `timeoutMs`.
   */
  async warmUp(target: RunningTarget, fanout: number, timeoutMs: number): Promise<{ ok: boolean; ms: number }> {
    const started = nowMs();
    await this.#startPhase();
    while (nowMs() - started < timeoutMs) {
      this.#publish(target);
      await sleep(250);
      if (this.#sum(this.#delivered) >= fanout) break;
    }
    if (this.#sum(this.#delivered) === 0) return { ok: false, ms: nowMs() - started };
    // A few more, to warm the paths up, then let any backlog (a slow target) drain.
    for (let i = 0; i < 3; i++) {
      this.#publish(target);
      await sleep(100);
    }
    await this.waitQuiet(700, 30_000);
    return { ok: true, ms: nowMs() - started };
  }

  /** Publishes `rate` messages a second for `durationS` seconds, then collects what arrived. */
  async phase(target: RunningTarget, options: { rate: number; durationS: number; fanout: number; quietMs: number; drainMaxMs: number }): Promise<PhaseResult> {
    const { rate, durationS, fanout } = options;
    await this.#startPhase();
    const count = Math.max(1, Math.round(rate * durationS));
    const interval = 1000 / rate;
    target.takePublishStats?.(); // what the warm-up or an earlier phase left
    const helperCpu = () => (target.helper ? processCpuSeconds(target.helper.pid) : Number.NaN);
    const cpuBefore = processCpuSeconds(target.pid);
    const helperBefore = helperCpu();
    const loadgenChildrenCpu = () => (target.loadgenPids ?? []).reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    const childrenBefore = loadgenChildrenCpu();
    const ownBefore = process.cpuUsage();
    const t0 = nowMs();
    for (let i = 0; i < count; i++) {
      const due = t0 + i * interval;
      let wait = due - nowMs();
      while (wait > 0) {
        await sleep(wait >= 2 ? wait - 1 : 0);
        wait = due - nowMs();
      }
      this.#publish(target);
    }
    const publishedAt = nowMs();
    const scheduledEnd = t0 + (count - 1) * interval;
    const expected = count * fanout;

    // Drain: until every delivery arrived, or nothing at all (late deliveries of an earlier
    // phase included: a backlog delays this phase's) for quietMs, or drainMaxMs after the last publish.
    let last = this.#sum(this.#anyDelivered);
    let since = nowMs();
    while (this.#sum(this.#delivered) < expected) {
      await sleep(25);
      const now = this.#sum(this.#anyDelivered);
      if (now !== last) {
        last = now;
        since = nowMs();
      } else if (nowMs() - since >= options.quietMs) break;
      if (nowMs() - publishedAt >= options.drainMaxMs) break;
    }
    const cpu = processCpuSeconds(target.pid) - cpuBefore;
    const wallS = (nowMs() - t0) / 1000;
    const helper = helperCpu() - helperBefore;
    const own = process.cpuUsage(ownBefore);
    const childrenUs = (loadgenChildrenCpu() - childrenBefore) * 1e6;

    const replies = await this.#all(() => ({ type: 'collect' }), 'collected');
    const total = replies.reduce((n, r) => n + r.latencies.length, 0);
    const latencies = new Float64Array(total);
    let offset = 0;
    for (const r of replies) {
      latencies.set(r.latencies, offset);
      offset += r.latencies.length;
    }
    latencies.sort();
    let lastReceipt = 0;
    for (const t of this.#lastReceipt) lastReceipt = Math.max(lastReceipt, t);
    // Throughput in steady state: the deliveries after the first publish had fully arrived, over
    // the time since. A target that keeps up scores the offered rate whatever its latency (the
    // first publish's latency is taken out of the window); one that does not scores what it
    // delivered while backlogged, its ceiling.
    const firstCount = replies.reduce((n, r) => n + r.firstPublishCount, 0);
    const firstDone = Math.max(...replies.map((r) => r.firstPublishDone));
    const deliveriesPerSecond =
      count > 1 && firstCount > 0 && lastReceipt > firstDone
        ? Math.min(((total - firstCount) / (lastReceipt - firstDone)) * 1000, rate * fanout)
        : (total / Math.max(count * interval, lastReceipt - t0)) * 1000;

    const notes: string[] = [];
    if (total < expected) notes.push(`${expected - total} of ${expected} deliveries missing (${((100 * total) / expected).toFixed(1)} % arrived)`);
    const closed = replies.reduce((n, r) => n + r.closed, 0);
    if (closed > 0) notes.push(`${closed} sockets closed by the server`);
    const stale = replies.reduce((n, r) => n + r.stale, 0);
    if (stale > 0) notes.push(`${stale} late deliveries of an earlier phase`);
    const other = replies.reduce((n, r) => n + r.other, 0);
    if (other > 0) notes.push(`${other} other messages`);
    const firstError = replies.find((r) => r.firstError)?.firstError;
    if (firstError) notes.push(firstError);
    const publishError = target.takePublishError();
    if (publishError) notes.push(publishError);
    const publishStats = target.takePublishStats?.();
    if (publishStats) notes.push(publishStats.note);
    const acksQueued = publishStats !== undefined && publishStats.medianAckMs > ACK_BACKLOG_INTERVALS * interval;
    const publishLagMs = Math.max(0, publishedAt - scheduledEnd);
    const behind = publishLagMs > 0.1 * count * interval && publishLagMs > 50;
    if (behind) notes.push(`the driver published ${publishLagMs.toFixed(0)} ms behind schedule`);

    const result = {
      rate,
      published: count,
      expected,
      delivered: total,
      deliveriesPerSecond,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: total > 0 ? latencies[total - 1]! : Number.NaN,
      serverCpuUsPerDelivery: total > 0 ? (cpu * 1e6) / total : Number.NaN,
      serverCpuShare: cpu / wallS,
      helperCpuUsPerDelivery: total > 0 ? (helper * 1e6) / total : Number.NaN,
      loadgenCpuUsPerDelivery: total > 0 ? (own.user + own.system + childrenUs) / total : Number.NaN,
      publishLagMs,
      frameBytes: Math.max(...replies.map((r) => r.frameBytes)),
      driverBound: false,
      notes,
    };
    const driverBound = !keptUp(result) && (behind || acksQueued);
    if (driverBound) {
      notes.push(
        `the load generator could not publish at this rate (${behind ? 'it fell behind its schedule' : `its produces waited ${publishStats?.medianAckMs.toFixed(0) ?? '?'} ms for acknowledgement, over ${ACK_BACKLOG_INTERVALS} publish intervals`}): not the target's ceiling`,
      );
    }
    return { ...result, driverBound };
  }
}

/**
 * The target delivered (nearly) everything at (nearly) the offered rate: under 99.9 % arrived,
 * or arriving at under 90 % of the offered rate, means it was saturated.
 */
export function keptUp(p: PhaseResult): boolean {
  const offered = (p.expected / p.published) * p.rate;
  return p.delivered >= 0.999 * p.expected && p.deliveriesPerSecond >= 0.9 * offered;
}

/**
 * Clearly saturated (a quarter of the offered rate short, or deliveries lost): higher rates are not
 * worth running. Looser than `keptUp`, because a phase of a few publishes that each take long to
 * deliver (Django at 1/s) can score a little under the offered rate from jitter alone.
 */
export function saturated(p: PhaseResult): boolean {
  const offered = (p.expected / p.published) * p.rate;
  return p.delivered < 0.999 * p.expected || p.deliveriesPerSecond < 0.75 * offered;
}
