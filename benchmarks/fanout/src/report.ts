/** Medians over the runs, Rideline's ratios to each peer, and the Markdown of RESULTS.md. */
import type { Environment } from './environment.ts';
import { keptUp, type PhaseResult } from './loadgen.ts';

export interface RunOutcome {
  readonly run: number;
  readonly ok: boolean;
  readonly skip?: string;
  readonly notes: string[];
  readonly phases: readonly PhaseResult[];
  readonly open?: number;
  readonly connectMs?: number;
  readonly rssBeforeBytes?: number;
  readonly rssAfterBytes?: number;
  readonly memPerConnBytes?: number;
}

export interface TargetOutcome {
  readonly id: string;
  label: string;
  publishPath: string;
  readonly runs: RunOutcome[];
  readonly notes: string[];
}

export interface Parameters {
  readonly connections: number;
  readonly fanout: number;
  readonly rates: readonly number[];
  readonly durationS: number;
  readonly runs: number;
  readonly workers: number;
  readonly drainMaxMs: number;
  readonly channelLayer: string;
  readonly brokers: readonly string[];
  readonly payloadBytes: number;
}

function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

interface RateSummary {
  readonly rate: number;
  readonly offered: number;
  readonly deliveriesPerSecond: number;
  readonly deliveredPct: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuUs: number;
  readonly helperCpuUs: number;
  readonly loadgenCpuUs: number;
  readonly serverCpuShare: number;
  /** The load generator could not publish at this rate in any run: no figure of the target's. */
  readonly driverBound: boolean;
  /** Runs that ran this rate (a target that did not keep up at a lower rate skips the higher ones). */
  readonly runs: number;
  /** Delivered (nearly) everything at (nearly) the offered rate, in every run. */
  readonly keptUp: boolean;
}

interface TargetSummary {
  readonly outcome: TargetOutcome;
  readonly okRuns: number;
  readonly memPerConnBytes: number;
  readonly baseRssBytes: number;
  readonly frameBytes: number;
  readonly rates: readonly RateSummary[];
  /** The highest median deliveries/s over the rates, and the rate it was reached at. */
  readonly peak: RateSummary | undefined;
  /** Kept up even at the highest rate offered: its real ceiling is higher than the peak shown. */
  readonly peakIsLowerBound: boolean;
  /**
   * For a "≥" peak: the offered deliveries/s of the next rate up, which the target did not keep up
   * with (it ran, and the load generator could publish it): the ceiling lies below it. Infinity
   * when no such rate was offered.
   */
  readonly ceilingBelow: number;
}

/** The ceiling as a range: [the peak, the peak] for a measured one, [peak, ceilingBelow) for a "≥" one. */
function ceilingRange(s: TargetSummary): [number, number] {
  const low = s.peak?.deliveriesPerSecond ?? Number.NaN;
  return [low, s.peakIsLowerBound ? s.ceilingBelow : low];
}

function summarise(outcome: TargetOutcome, params: Parameters): TargetSummary {
  const ok = outcome.runs.filter((r) => r.ok);
  const rates: RateSummary[] = params.rates.map((rate) => {
    const ran = ok.map((r) => r.phases.find((ph) => ph.rate === rate)).filter((p): p is PhaseResult => p !== undefined);
    // A phase the load generator could not drive says nothing about the target: medians over the others.
    const phases = ran.filter((p) => !p.driverBound);
    const offered = rate * params.fanout;
    return {
      rate,
      offered,
      deliveriesPerSecond: median(phases.map((p) => p.deliveriesPerSecond)),
      deliveredPct: median(phases.map((p) => (100 * p.delivered) / p.expected)),
      p50Ms: median(phases.map((p) => p.p50Ms)),
      p99Ms: median(phases.map((p) => p.p99Ms)),
      maxMs: median(phases.map((p) => p.maxMs)),
      cpuUs: median(phases.map((p) => p.serverCpuUsPerDelivery)),
      helperCpuUs: median(phases.map((p) => p.helperCpuUsPerDelivery)),
      loadgenCpuUs: median(phases.map((p) => p.loadgenCpuUsPerDelivery)),
      serverCpuShare: median(phases.map((p) => p.serverCpuShare)),
      runs: ran.length,
      driverBound: ran.length > 0 && phases.length === 0,
      // Kept up in most runs (one noisy run of three does not flip the verdict).
      keptUp: phases.length > 0 && phases.filter(keptUp).length * 2 > phases.length,
    };
  });
  let peak: RateSummary | undefined;
  for (const r of rates) {
    if (r.runs > 0 && !r.driverBound && Number.isFinite(r.deliveriesPerSecond) && (!peak || r.deliveriesPerSecond > peak.deliveriesPerSecond)) peak = r;
  }
  return {
    outcome,
    okRuns: ok.length,
    memPerConnBytes: median(ok.map((r) => r.memPerConnBytes ?? Number.NaN)),
    baseRssBytes: median(ok.map((r) => r.rssBeforeBytes ?? Number.NaN)),
    frameBytes: Math.max(0, ...ok.flatMap((r) => r.phases.map((ph) => ph.frameBytes))),
    rates,
    peak,
    // It sustained its best rate: its ceiling is at least that (the rates above were not offered,
    // or the load generator could not publish them).
    peakIsLowerBound: peak?.keptUp === true,
    ceilingBelow: rates.find((r) => peak !== undefined && r.rate > peak.rate && r.runs > 0 && !r.driverBound && !r.keptUp)?.offered ?? Number.POSITIVE_INFINITY,
  };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)) : '–');
const kib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : '–');
const us = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} µs` : '–');
const ratio = (n: number) => (Number.isFinite(n) && n > 0 ? (n >= 10 ? `${n.toFixed(0)}×` : `${n.toFixed(2)}×`) : '–');

export function renderResults(input: {
  readonly date: Date;
  readonly environment: Environment;
  readonly parameters: Parameters;
  readonly targets: readonly TargetOutcome[];
  readonly elapsedS: number;
  /** 1-minute load averages before and after the run (other work on the machine shows here). */
  readonly load: readonly [number, number];
}): string {
  const p = input.parameters;
  const summaries = input.targets.map((t) => summarise(t, p));
  const gateway = summaries.find((s) => s.outcome.id === 'gateway');
  const gatewayRan = gateway !== undefined && gateway.okRuns > 0;
  const out: string[] = [];
  const line = (s = '') => out.push(s);

  line('# Fan-out: Rideline realtime-gateway against its peers');
  line();
  line(
    `Written by \`pnpm --filter @rideline/fanout-bench bench\` (\`benchmarks/fanout/src/run.ts\`); see [README.md](README.md) for what is measured and the caveats. Every figure is the median of the runs that completed; all targets ran in the same invocation, interleaved (run 1 of each, then run 2, ...), with the same load generator.`,
  );
  line();
  line(`- **Date**: ${input.date.toISOString()} (took ${input.elapsedS.toFixed(0)} s)`);
  line(
    `- **Machine**: ${input.environment.machine}; server, load generator${gateway ? ', Kafka broker' : ''} and Redis all on this one machine; 1-minute load average ${input.load[0].toFixed(2)} before the run, ${input.load[1].toFixed(2)} after`,
  );
  line(
    `- **Versions**: ${Object.entries(input.environment.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  line(
    `- **Parameters**: ${int(p.connections)} sockets per target, every publish reaching ${int(p.fanout)} of them; publish rates ${p.rates.join(', ')} per second (offered ${p.rates.map((r) => int(r * p.fanout)).join(', ')} deliveries/s), ${p.durationS} s each; ${p.runs} runs; ${p.workers} client worker threads; ${p.payloadBytes}-byte \`available_booking\` message; drain wait up to ${p.drainMaxMs} ms after a phase; Django channel layer: ${p.channelLayer === 'redis' ? 'channels_redis (RedisChannelLayer)' : 'InMemoryChannelLayer'}${gateway ? `; Kafka at ${p.brokers.join(',')}` : ''}`,
  );
  line();

  line('## Summary');
  line();
  line(
    `| target | runs | peak deliveries/s | ${p.rates.map((r) => `p50 / p99 @ ${r}/s`).join(' | ')} | memory per connection | server CPU per delivery (at peak) |`,
  );
  line(`|---|---|---|${p.rates.map(() => '---|').join('')}---|---|`);
  for (const s of summaries) {
    if (s.okRuns === 0) {
      line(`| ${s.outcome.label} | 0 | skipped | ${p.rates.map(() => '–').join(' | ')} | – | – |`);
      continue;
    }
    const peak = s.peak
      ? `${s.peakIsLowerBound ? '≥ ' : ''}${int(s.peak.deliveriesPerSecond)} (@ ${s.peak.rate}/s${
          s.peakIsLowerBound && Number.isFinite(s.ceilingBelow) ? `; < ${int(s.ceilingBelow)} offered not sustained` : ''
        })`
      : '–';
    line(
      `| ${s.outcome.label} | ${s.okRuns} | ${peak} | ${s.rates
        .map((r) =>
          r.runs === 0 ? 'not run (saturated below)' : r.driverBound ? 'load generator bound' : `${ms(r.p50Ms)} / ${ms(r.p99Ms)} ms${r.keptUp ? '' : ' ⚠'}`,
        )
        .join(
          ' | ',
        )} | ${kib(s.memPerConnBytes)} | ${s.peak ? `${us(s.peak.cpuUs)}${Number.isFinite(s.peak.helperCpuUs) ? ` + ${us(s.peak.helperCpuUs)} ${s.outcome.id === 'gateway' ? 'broker' : 'Redis'}` : ''}` : '–'} |`,
    );
  }
  line();
  line(
    '⚠: the target did not keep up at that rate (fewer than 99.9 % of the deliveries arrived, or they arrived at under 90 % of the offered rate): its delivery rate there is its ceiling, and its latency there is mostly queueing; once a target is clearly saturated (deliveries lost, or under 75 % of the offered rate), the higher rates are not run for it. "Load generator bound": the load generator itself could not publish at that rate (the gateway\'s Kafka produces queued up unacknowledged, or the driver fell behind its schedule), so the figures there are not the target\'s. "≥": the target kept up at the rate of its peak, so its real ceiling is higher than shown: below the next rate\'s offered deliveries/s if it did not keep up there, unknown if no higher rate was offered or the load generator could not publish it.',
  );
  line();

  line("## Rideline's ratio to each peer");
  line();
  if (!gatewayRan) {
    line(`Not measured: the gateway did not run (${gateway ? (gateway.outcome.runs.find((r) => !r.ok)?.skip?.split('\n')[0] ?? 'skipped') : 'not selected'}).`);
  } else {
    line(
      `| peer | deliveries/s (gateway ÷ peer, higher is better) | ${p.rates.map((r) => `p99 @ ${r}/s (gateway ÷ peer, lower is better)`).join(' | ')} | memory per connection (gateway ÷ peer, lower is better) | server CPU per delivery at the lowest rate (gateway ÷ peer, lower is better) |`,
    );
    line(`|---|---|${p.rates.map(() => '---|').join('')}---|---|`);
    for (const s of summaries) {
      if (s === gateway || s.okRuns === 0) continue;
      const dps = gateway.peak && s.peak ? gateway.peak.deliveriesPerSecond / s.peak.deliveriesPerSecond : Number.NaN;
      const bound =
        gateway.peakIsLowerBound !== s.peakIsLowerBound
          ? gateway.peakIsLowerBound
            ? ' (or more)'
            : ' (or less)'
          : gateway.peakIsLowerBound
            ? ' (both lower bounds)'
            : '';
      line(
        `| ${s.outcome.label} | ${ratio(dps)}${bound} | ${p.rates
          .map((_, i) => {
            const g = gateway.rates[i]!;
            const peer = s.rates[i]!;
            if (g.runs === 0 || peer.runs === 0 || g.driverBound || peer.driverBound) return '–';
            return `${ratio(g.p99Ms / peer.p99Ms)}${g.keptUp && peer.keptUp ? '' : ' ⚠'}`;
          })
          .join(' | ')} | ${ratio(gateway.memPerConnBytes / s.memPerConnBytes)} | ${ratio(gateway.rates[0]!.cpuUs / s.rates[0]!.cpuUs)} |`,
      );
    }
    line();
    const django = summaries.find((s) => s.outcome.id === 'django');
    const ws = summaries.find((s) => s.outcome.id === 'ws');
    const aims: string[] = [];
    /**
     * Whether gateway ÷ peer ≥ `atLeast` holds, given that a peak marked "≥" is only a lower bound:
     * a lower-bound gateway can only prove "met", a lower-bound peer can only prove "not met".
     */
    /**
     * Whether gateway ÷ peer ≥ `atLeast` holds, with each ceiling known only as a range when it is
     * a "≥" peak: met if it holds at the range's worst, not met if it fails at its best.
     */
    const aim = (peer: TargetSummary, atLeast: number, what: string): string => {
      const [gLow, gHigh] = ceilingRange(gateway);
      const [pLow, pHigh] = ceilingRange(peer);
      const point = gLow / pLow;
      const worst = gLow / pHigh;
      const best = gHigh / pLow;
      const whose = [gateway.peakIsLowerBound ? "the gateway's" : '', peer.peakIsLowerBound ? `${peer.outcome.label}'s` : ''].filter(Boolean).join(' and ');
      const range =
        worst === best
          ? ''
          : Number.isFinite(best)
            ? ` (between ${ratio(worst)} and ${ratio(best)}: ${whose} ceiling lies between two of the rates offered)`
            : ` (or more: ${whose} ceiling was not reached${gateway.peakIsLowerBound ? ', the load generator could not publish faster' : ''})`;
      let verdictText: string;
      if (!Number.isFinite(point) || point === 0) verdictText = 'not measured';
      else if (worst >= atLeast) verdictText = '**met**';
      else if (best < atLeast) verdictText = '**not met**';
      else if (Number.isFinite(best)) verdictText = '**not decided by this run**: offer rates between the ones used (`--rates`)';
      else verdictText = '**not decided by this run**: the gateway was not driven to its ceiling';
      return `${what}: ${ratio(point)}${range}, ${verdictText}`;
    };
    if (django?.peak && gateway.peak) aims.push(aim(django, 5, "at least 5× Django Channels' delivery rate"));
    if (ws?.peak && gateway.peak) aims.push(aim(ws, 0.5, 'within 2× of the bare ws floor (at least 0.5× its rate)'));
    if (aims.length) {
      line('Aims (issue 6):');
      line();
      for (const a of aims) line(`- ${a}`);
      line();
    }
  }

  line('## Per publish rate');
  line();
  line(
    '| target | publishes/s | offered deliveries/s | delivered/s | arrived | p50 | p99 | max | server CPU use | CPU per delivery: server | Redis / broker | load generator |',
  );
  line('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of summaries) {
    if (s.okRuns === 0) continue;
    for (const r of s.rates) {
      if (r.runs === 0) {
        line(`| ${s.outcome.label} | ${r.rate} | ${int(r.offered)} | not run: saturated at a lower rate | | | | | | | | |`);
        continue;
      }
      line(
        `| ${s.outcome.label} | ${r.rate} | ${int(r.offered)} | ${int(r.deliveriesPerSecond)}${r.driverBound ? ' (load generator bound)' : r.keptUp ? '' : ' ⚠'} | ${Number.isFinite(r.deliveredPct) ? r.deliveredPct.toFixed(1) : '–'} % | ${ms(r.p50Ms)} ms | ${ms(r.p99Ms)} ms | ${ms(r.maxMs)} ms | ${Number.isFinite(r.serverCpuShare) ? `${(100 * r.serverCpuShare).toFixed(0)} %` : '–'} | ${us(r.cpuUs)} | ${us(r.helperCpuUs)} | ${us(r.loadgenCpuUs)} |`,
      );
    }
  }
  line();
  line(
    "Memory per connection is (server RSS with all sockets open and idle − RSS before they connected) ÷ sockets, from `/proc/<pid>/status` VmRSS. Server CPU use is the server process's CPU time ÷ the phase's wall time (100 % = one core busy throughout; every server here is one process, and Node's and Daphne's event loops are single-threaded). CPU per delivery is user + system time during a phase (from `/proc/<pid>/stat`) ÷ the deliveries: of the server process; of the process its delivery path runs through besides (Redis for channels_redis, the Kafka broker for the gateway); and of this load generator (the driver publishing, or producing the Kafka records, plus the client workers receiving). All share the same 2 cores, so a target whose path costs more elsewhere leaves less CPU to its server.",
  );
  line();

  line('## How each target publishes');
  line();
  for (const s of summaries) {
    line(`- **${s.outcome.label}**: ${s.outcome.publishPath}.${s.frameBytes ? ` Delivered frame: ${s.frameBytes} bytes.` : ''}`);
  }
  line();

  const noteLines: string[] = [];
  for (const s of summaries) {
    const notes = new Set<string>(s.outcome.notes);
    for (const r of s.outcome.runs) {
      if (!r.ok && r.skip) notes.add(`run ${r.run} skipped: ${r.skip.split('\n')[0]}`);
      for (const n of r.notes) notes.add(`run ${r.run}: ${n}`);
      r.phases.forEach((ph) => {
        for (const n of ph.notes) notes.add(`run ${r.run} @ ${ph.rate}/s: ${n}`);
      });
    }
    if (s.okRuns < p.runs && s.okRuns > 0) notes.add(`${p.runs - s.okRuns} of ${p.runs} runs did not complete`);
    if (notes.size) noteLines.push(`- **${s.outcome.label}**:`, ...[...notes].map((n) => `  - ${n.replaceAll('|', '\\|')}`));
    const skipped = s.outcome.runs.find((r) => !r.ok && r.skip);
    if (s.okRuns === 0 && skipped?.skip?.includes('\n')) {
      noteLines.push(
        '',
        '  ```',
        ...skipped.skip
          .split('\n')
          .slice(1, 16)
          .map((l) => `  ${l}`),
        '  ```',
      );
    }
  }
  if (noteLines.length) {
    line('## Notes');
    line();
    for (const n of noteLines) line(n);
    line();
  }

  line('<details><summary>Every run</summary>');
  line();
  line(
    '| target | run | sockets open | connect time | RSS before → after | per connection | publishes/s | delivered/s | arrived | p50 | p99 | server CPU µs/delivery |',
  );
  line('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of summaries) {
    for (const r of s.outcome.runs) {
      if (!r.ok) {
        line(`| ${s.outcome.label} | ${r.run} | skipped | | | | | | | | | |`);
        continue;
      }
      for (const ph of r.phases) {
        line(
          `| ${s.outcome.label} | ${r.run} | ${int(r.open ?? Number.NaN)} | ${((r.connectMs ?? 0) / 1000).toFixed(1)} s | ${((r.rssBeforeBytes ?? 0) / 2 ** 20).toFixed(1)} → ${((r.rssAfterBytes ?? 0) / 2 ** 20).toFixed(1)} MiB | ${kib(r.memPerConnBytes ?? Number.NaN)} | ${ph.rate} | ${int(ph.deliveriesPerSecond)} | ${((100 * ph.delivered) / ph.expected).toFixed(1)} % | ${ms(ph.p50Ms)} ms | ${ms(ph.p99Ms)} ms | ${ph.serverCpuUsPerDelivery.toFixed(1)} |`,
        );
      }
    }
  }
  line();
  line('</details>');
  line();
  return out.join('\n');
}
