import type { RunFacts } from './environment.ts';
import type { BenchOptions } from './options.ts';
import type { PhaseResult } from './phase.ts';
import { median, medianDistribution, type Distribution } from '@rideline/stats';

/** The 50 ms p99 that issue 6 aims at, for both end-to-end latencies. */
const AIM_P99_MS = 50;

export interface ReportInput extends RunFacts {
  readonly options: BenchOptions;
  /** runs[r][p]: run r, phase p (in the order of options.rates). */
  readonly runs: readonly (readonly PhaseResult[])[];
  readonly revision: string;
  /** Anything that went wrong around the measurement: lost sockets, services' warnings and errors. */
  readonly incidents: readonly string[];
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));
const cells = (d: Distribution) => [ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max)];
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const row = (values: readonly (string | number)[]) => `| ${values.join(' | ')} |`;
const LATENCY_HEAD = ['p50 ms', 'p90 ms', 'p99 ms', 'max ms'];

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

/** "yes (3/3 runs)": the median p99 against the aim, and in how many runs it held. */
function aimVerdict(p99s: readonly number[]): string {
  const met = p99s.filter((p99) => p99 < AIM_P99_MS).length;
  const verdict = median(p99s) < AIM_P99_MS ? 'yes' : 'no';
  return `${verdict} (${met}/${p99s.length} runs)`;
}

function phaseTables(phasesByRate: readonly (readonly PhaseResult[])[], showAim: boolean): string[] {
  const merged = phasesByRate.map((phases) => ({
    phases,
    rate: phases[0]!.targetRate,
    achieved: median(phases.map((p) => p.achievedRate)),
    created: median(phases.map((p) => p.created)),
    offer: medianDistribution(phases.map((p) => p.offer)),
    status: medianDistribution(phases.map((p) => p.acceptedStatus)),
    post: medianDistribution(phases.map((p) => p.postBooking)),
    accept: medianDistribution(phases.map((p) => p.postAccept)),
    noOffer: median(phases.map((p) => p.noOffer)),
    noStatus: median(phases.map((p) => p.noStatus)),
    sendLag: median(phases.map((p) => p.maxSendLagMs)),
  }));
  const aim = (pick: (p: PhaseResult) => Distribution, phases: readonly PhaseResult[]) => (showAim ? [aimVerdict(phases.map((p) => pick(p).p99))] : []);
  const aimHead = showAim ? [`p99 < ${AIM_P99_MS} ms?`] : [];
  return [
    "**A. Booking created → offer on a driver's socket**",
    '',
    ...table(
      ['rate /s', 'achieved /s', 'bookings', 'sent late ≤ ms', ...LATENCY_HEAD, 'no offer', ...aimHead],
      merged.map((m) => [m.rate, m.achieved.toFixed(1), m.created, ms(m.sendLag), ...cells(m.offer), m.noOffer, ...aim((p) => p.offer, m.phases)]),
    ),
    '',
    "**B. Accept → `accepted` on the rider's socket**",
    '',
    ...table(
      ['rate /s', 'accepts', ...LATENCY_HEAD, 'no status', ...aimHead],
      merged.map((m) => [m.rate, m.status.n, ...cells(m.status), m.noStatus, ...aim((p) => p.acceptedStatus, m.phases)]),
    ),
    '',
    '**HTTP round trips** (inside A and B respectively)',
    '',
    ...table(
      ['rate /s', 'POST /bookings p50 ms', 'p99 ms', 'max ms', 'POST …/accept p50 ms', 'p99 ms', 'max ms'],
      merged.map((m) => [m.rate, ms(m.post.p50), ms(m.post.p99), ms(m.post.max), ms(m.accept.p50), ms(m.accept.p99), ms(m.accept.max)]),
    ),
    '',
    ...cpuTable(merged.map((m) => m.phases)),
  ];
}

/** Medians of CPU use: each of our processes in % of one core, the whole machine in % of all cores. */
function cpuTable(phasesByRate: readonly (readonly PhaseResult[])[]): string[] {
  const names = Object.keys(phasesByRate[0]![0]!.cpu.byProcess);
  const percent = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(0)}%`);
  return [
    '**CPU during the phase** (each process in % of one core; the machine in % of all its cores, whatever ran on it)',
    '',
    ...table(
      ['rate /s', ...names, 'whole machine'],
      phasesByRate.map((phases) => [
        phases[0]!.targetRate,
        ...names.map((name) => percent(median(phases.map((p) => p.cpu.byProcess[name] ?? NaN)))),
        percent(median(phases.map((p) => p.cpu.machine))),
      ]),
    ),
  ];
}

/** Nearest rank: with fewer than 100 samples the p99 is the maximum, which readers should know. */
function smallSampleNote(options: BenchOptions): string[] {
  const small = options.rates.filter((rate) => Math.round(rate * options.durationS) < 100);
  return small.length ? [`With fewer than 100 bookings per phase (at ${small.map((rate) => `${rate}/s`).join(', ')}), a p99 is the phase's maximum.`] : [];
}

/** One line: at which rates the median p99 of A and of B is under the aim. */
function aimSummary(phasesByRate: readonly (readonly PhaseResult[])[]): string {
  const verdicts = (pick: (p: PhaseResult) => Distribution) =>
    phasesByRate.map((phases) => `${phases[0]!.targetRate}/s ${median(phases.map((p) => pick(p).p99)) < AIM_P99_MS ? 'met' : 'not met'}`).join(', ');
  return `**Aim, p99 < ${AIM_P99_MS} ms** (median of the runs' p99s): A ${verdicts((p) => p.offer)}; B ${verdicts((p) => p.acceptedStatus)}.`;
}

function errorLines(runs: readonly (readonly PhaseResult[])[]): string[] {
  const lines: string[] = [];
  runs.forEach((phases, r) => {
    for (const phase of phases) {
      for (const [what, count] of phase.errors) lines.push(`- run ${r + 1}, ${phase.targetRate}/s: ${what} (${count}×)`);
    }
  });
  return lines;
}

export function renderReport(input: ReportInput): string {
  const { options, runs } = input;
  const byRate = options.rates.map((_, p) => runs.map((phases) => phases[p]!));
  const errors = errorLines(runs);
  return [
    '# End-to-end latency',
    '',
    'The whole system running (booking-service, dispatch-service and realtime-gateway as separate',
    'processes on the real Kafka broker and PostgreSQL), driven only through the public contract:',
    `${options.drivers} drivers on their available-bookings sockets, ${options.riders} riders on their booking-status sockets,`,
    'bookings at steady, open-loop rates. **A**: from just before `POST /bookings` is sent to the',
    "first `available_booking` for it on a driver's socket. **B**: from just before that driver's",
    "`POST /bookings/:id/accept` to the `accepted` status on the rider's socket. Both on the client's",
    'clock (`performance.now()`), so they include HTTP, PostgreSQL, the outbox relay, Kafka (twice for',
    'A: booking-service → dispatch-service → gateway), the gateway and the socket. See README.md for',
    `how, and the caveats. Aim (issue 6): p99 under ${AIM_P99_MS} ms.`,
    '',
    `- Date: ${input.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${input.machine}`,
    `- Load average (1 / 5 / 15 min): ${input.loadBefore} before the system started, ${input.loadAfter} after the last phase; the machine was ${input.machineBusyBefore.toFixed(0)}% busy before the system started`,
    `- Versions: ${Object.entries(input.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join('; ')}`,
    `- Code: ${input.revision}`,
    `- Command: \`${input.command}\``,
    `- Settings: rates ${options.rates.join(', ')} bookings/s, ${options.durationS} s per phase, ${plural(options.runs, 'run')}, ${options.warmupS} s warm-up, timeout ${options.timeoutMs} ms`,
    '',
    '**Everything shares one machine**: the three services, the Kafka broker, PostgreSQL and this load',
    'generator (with its sockets) all compete for the same cores, along with whatever else the box',
    'runs. The figures are what this box gives, not what a deployment with a machine per part would;',
    'compare rates with each other and read medians, not single runs.',
    '',
    `## Medians of ${plural(options.runs, 'run')}`,
    '',
    'Each figure is the median over the runs of that figure in each run (so the p99 is the median of',
    'the runs\' p99s). "sent late": how far behind its schedule the load generator sent a booking, at',
    'worst (a large value means the client itself was starved). "no offer": bookings without an offer',
    'within the timeout; "no status": accepts whose `accepted` did not reach the rider within it.',
    ...smallSampleNote(options),
    '',
    aimSummary(byRate),
    '',
    ...phaseTables(byRate, true),
    '',
    '<details><summary>Each run</summary>',
    '',
    ...runs.flatMap((phases, r) => [
      `### Run ${r + 1}`,
      '',
      ...phaseTables(
        phases.map((phase) => [phase]),
        false,
      ),
      '',
    ]),
    '</details>',
    '',
    '## Errors and incidents',
    '',
    ...(errors.length || input.incidents.length
      ? [...errors, ...input.incidents.map((line) => `- ${line}`)]
      : ['None: every request answered as expected and no socket was lost.']),
    '',
  ].join('\n');
}
