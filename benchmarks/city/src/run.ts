/**
 * The city benchmark (issue 10): N drivers online sending their locations, whole rides at R per
 * second, the largest steady (N, R), and CPU per location update and per ride; optionally the
 * same phases against another checkout, alternating. See README.md.
 *
 *   pnpm --filter @rideline/city-bench bench [-- --drivers 1000,10000 --rates 5,20,50 ...]
 */
import { writeFileSync } from 'node:fs';
import { machineBusyOver } from '@rideline/e2e-bench/cpu';
import { startBench } from '@rideline/e2e-bench/cli';
import { describeMachine, loadAverage, localKafkaVersion } from '@rideline/e2e-bench/environment';
import { baselineCheckout, currentCheckout, type Checkout } from './checkout.ts';
import { HELP, readOptions } from './options.ts';
import { renderReport } from './report.ts';
import { playSession, type Session } from './session.ts';
import { benchCommand } from '@rideline/stats/options';

const log = (message: string) => process.stderr.write(`[city-bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const { options, infrastructure } = await startBench(readOptions, HELP, log);

/** An upper bound of the phases' time, said up front: the run is bounded by its settings, not by what it finds. */
const phasesPerSession = options.drivers.length * (1 + options.rates.length + options.refine);
const checkouts: Checkout[] = [currentCheckout(), ...(options.baseline ? [baselineCheckout(options.baseline)] : [])];
const boundMinutes = (checkouts.length * options.runs * (phasesPerSession * (options.durationS + 4) + options.warmupS)) / 60;
log(
  `${checkouts.length * options.runs} session(s) of at most ${phasesPerSession} phases: at most ${boundMinutes.toFixed(0)} minutes of phases, plus start-up and connecting drivers`,
);

const date = new Date();
const loadBefore = loadAverage();
const machineBusyBefore = await machineBusyOver(2_000);
log(
  `the machine is ${machineBusyBefore.toFixed(0)}% busy (load ${loadBefore}) before the bench starts${machineBusyBefore > 25 ? ': something else is running, the figures will show it' : ''}`,
);

let stopCurrent: (() => Promise<void>) | undefined;
for (const [signal, exitCode] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the system and the driver workers`);
    void (stopCurrent?.() ?? Promise.resolve()).finally(() => process.exit(exitCode));
  });
}

const sessions: Session[] = [];
let exitCode = 0;
try {
  // Checkouts alternate within each run, so a drift of the machine's load hits both alike.
  for (let run = 1; run <= options.runs; run++) {
    for (const checkout of checkouts) sessions.push(await playSession(checkout, run, options, log, (stop) => (stopCurrent = stop)));
  }
  writeFileSync(
    options.out,
    renderReport({
      options,
      sessions,
      date,
      minutes: (Date.now() - date.getTime()) / 60_000,
      machine: describeMachine(),
      loadBefore,
      loadAfter: loadAverage(),
      machineBusyBefore,
      versions: { Node: process.version, PostgreSQL: infrastructure.postgresVersion, Kafka: localKafkaVersion() },
      command: benchCommand('@rideline/city-bench', 'CITY_BENCH_', infrastructure),
    }),
  );
  log(`wrote ${options.out}`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await stopCurrent?.();
}
process.exit(exitCode);
