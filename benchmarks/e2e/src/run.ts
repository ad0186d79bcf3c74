/**
 * End-to-end latency with the whole system running (issue 6): booking created → offer on a
 * driver's socket, and accept → `accepted` on the rider's socket, at steady booking rates,
 * `--runs` times; writes the medians to RESULTS.md. See README.md for what is measured and how.
 *
 *   pnpm --filter @rideline/e2e-bench bench [-- --rates 5,20,50 --duration 10 --runs 3 ...]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { RunningSystem } from '@rideline/e2e/system';
import { CpuMeter, machineBusyOver } from './cpu.ts';
import { startBench } from './cli.ts';
import { describeMachine, gitRevision, loadAverage, localKafkaVersion } from './environment.ts';
import { Fleet } from './fleet.ts';
import { HELP, readOptions } from './options.ts';
import { playPhase, type PhaseResult } from './phase.ts';
import { renderReport } from './report.ts';
import { serviceIncidents } from './service-logs.ts';
import { benchCommand } from '@rideline/stats/options';

/** Between phases: the last cancellations reach dispatch, so every driver is free again. */
const SETTLE_MS = 1_000;

/**
 * Configured as in production, so booking-service neither generates nor warns about its secrets;
 * tokens outlive any sensible run, so no socket is closed for an expired token mid-phase.
 */
const SYSTEM_SETTINGS = {
  JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  OTP_SECRET: randomBytes(32).toString('hex'),
  OTP_NOTICE_KEY: randomBytes(32).toString('base64url'),
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  // The fleet polls GET /drivers/nearby until dispatch sees its drivers: not the rider budget under test.
  DISPATCH_NEARBY_PER_MINUTE: '1000000',
};

const log = (message: string) => process.stderr.write(`[e2e-bench] ${message}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const { options, infrastructure } = await startBench(readOptions, HELP, log);

const date = new Date();
const loadBefore = loadAverage();
const machineBusyBefore = await machineBusyOver(2_000);
log(
  `the machine is ${machineBusyBefore.toFixed(0)}% busy before the system starts${machineBusyBefore > 25 ? ': something else is running, the figures will show it' : ''}`,
);
let system: RunningSystem | undefined;
let fleet: Fleet | undefined;
let stopping: Promise<void> | undefined;
/** Idempotent: the normal end, a failure and a signal may all ask for it. */
const stopEverything = () =>
  (stopping ??= (async () => {
    fleet?.close();
    await system?.stop();
  })());
for (const [signal, exitCode] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the system`);
    void stopEverything().finally(() => process.exit(exitCode));
  });
}

const phaseLine = (run: number, phase: PhaseResult) =>
  `run ${run}, ${phase.targetRate}/s: ${phase.created} bookings (${phase.achievedRate.toFixed(1)}/s); ` +
  `offer p50 ${phase.offer.p50.toFixed(1)} p99 ${phase.offer.p99.toFixed(1)} ms; ` +
  `accepted p50 ${phase.acceptedStatus.p50.toFixed(1)} p99 ${phase.acceptedStatus.p99.toFixed(1)} ms; ` +
  `POST p50 ${phase.postBooking.p50.toFixed(1)} ms; no offer ${phase.noOffer}, no status ${phase.noStatus}, ` +
  `errors ${[...phase.errors.values()].reduce((sum, count) => sum + count, 0)}; CPU % of a core: ` +
  `${Object.entries(phase.cpu.byProcess)
    .map(([name, percent]) => `${name.split(' ')[0]} ${percent.toFixed(0)}`)
    .join(', ')}; ` +
  `machine ${phase.cpu.machine.toFixed(0)}% busy`;

let exitCode = 0;
try {
  log(`starting the three services on KAFKA_BROKERS=${infrastructure.kafkaBrokers}, a scratch database on ${infrastructure.postgresUrl}`);
  system = await RunningSystem.start(SYSTEM_SETTINGS);
  fleet = new Fleet({ booking: system.url('booking-service'), dispatch: system.url('dispatch-service'), gateway: system.url('realtime-gateway') });
  await fleet.assemble(options, options.center, log);
  const meter = new CpuMeter(Object.fromEntries([...system.processes].map(([name, service]) => [name, service.child.pid ?? NaN])));

  // The middle rate: enough bookings for the services' hot paths to be compiled, without the backlog the top rate may build.
  const warmupRate = [...options.rates].sort((a, b) => a - b)[Math.floor(options.rates.length / 2)]!;
  if (options.warmupS > 0) {
    log(`warming up: ${options.warmupS} s at ${warmupRate}/s, not counted`);
    await playPhase(fleet, meter, warmupRate, options.warmupS, options.timeoutMs);
  }
  const runs: PhaseResult[][] = [];
  for (let run = 1; run <= options.runs; run++) {
    const phases: PhaseResult[] = [];
    for (const rate of options.rates) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const phase = await playPhase(fleet, meter, rate, options.durationS, options.timeoutMs);
      log(phaseLine(run, phase));
      phases.push(phase);
    }
    runs.push(phases);
  }
  const loadAfter = loadAverage();

  await stopEverything(); // first, so that the services' shutdown logs are read too
  writeFileSync(
    options.out,
    renderReport({
      options,
      runs,
      date,
      machine: describeMachine(),
      loadBefore,
      loadAfter,
      machineBusyBefore,
      versions: {
        Node: process.version,
        PostgreSQL: infrastructure.postgresVersion,
        Kafka: localKafkaVersion(),
      },
      revision: gitRevision(),
      command: benchCommand('@rideline/e2e-bench', 'E2E_BENCH_', infrastructure),
      incidents: [...fleet.lostSockets, ...serviceIncidents(system)],
    }),
  );
  log(`wrote ${options.out}`);
} catch (error) {
  log(`failed: ${messageOf(error)}`);
  exitCode = 1;
} finally {
  await stopEverything();
}
process.exit(exitCode);
