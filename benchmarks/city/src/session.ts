import { randomBytes } from 'node:crypto';
import { http } from '@rideline/e2e/client';
import { serviceIncidents } from '@rideline/e2e-bench/service-logs';
import type { RunningSystem } from '@rideline/e2e/system';
import { testKafkaBrokers } from '@rideline/test-support';
import { AccountMint } from './accounts.ts';
import type { Checkout } from './checkout.ts';
import { sleep } from './clock.ts';
import { DriverFleet, type SystemUrls } from './driver-fleet.ts';
import { readOutboxWait } from './outbox-wait.ts';
import { readKafkaRequests } from './kafka-requests.ts';
import { largestSteadyRate, missedGoals, nextRateToTry } from './goals.ts';
import type { CityOptions } from './options.ts';
import { playPhase, type PhaseContext, type PhaseResult } from './phase.ts';
import { NearbyProbe } from './probes.ts';
import { readDatabaseTransactions } from './database-transactions.ts';
import { DRIVER_WORKERS, kafkaBrokerPids, KAFKA, postgresServer, SERVICES } from './processes.ts';
import { RiderPool } from './riders.ts';

/** Between phases: the last completions reach dispatch, so every driver is free again. */
const SETTLE_MS = 2_000;
/** Drivers sampled to tell that dispatch sees the drivers just added. */
const READINESS_SAMPLE = 10;

export interface PlayedPhase extends PhaseResult {
  readonly kind: 'locations only' | 'rate' | 'refinement';
  /** The goals it missed; empty when it held them (locations-only phases: always empty). */
  readonly missed: readonly string[];
}

/** Everything one checkout played in one run. */
export interface Session {
  readonly checkout: Checkout;
  readonly run: number;
  readonly phases: PlayedPhase[];
  /** Drivers → the largest rate that held the goals (with every lower one), if any. */
  readonly steady: Map<number, number | undefined>;
  readonly incidents: string[];
}

/**
 * One checkout, one run: start its system, then for each driver count (ascending, drivers are
 * only added) a locations-only phase, every rate, and the refinement steps. Stops everything it
 * started, also when it fails; `onStop` hands the stopping to a signal handler too.
 */
export async function playSession(
  checkout: Checkout,
  run: number,
  options: CityOptions,
  log: (message: string) => void,
  onStop: (stop: () => Promise<void>) => void,
): Promise<Session> {
  const session: Session = { checkout, run, phases: [], steady: new Map(), incidents: [] };
  const mint = new AccountMint();
  log(`${checkout.label} (${checkout.revision}), run ${run}: starting its services`);
  let system: RunningSystem | undefined;
  let fleet: DriverFleet | undefined;
  let riders: RiderPool | undefined;
  let probe: NearbyProbe | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      probe?.close();
      riders?.close();
      await fleet?.stop();
      await system?.stop();
    })());
  onStop(stop);
  try {
    // Secrets as in production: booking-service seals the OTP notice with OTP_NOTICE_KEY and the gateway opens it with the same key.
    system = await checkout.start({ ...mint.serviceSettings, OTP_SECRET: randomBytes(32).toString('hex'), OTP_NOTICE_KEY: randomBytes(32).toString('hex') });
    const urls: SystemUrls = { booking: system.url('booking-service'), dispatch: system.url('dispatch-service'), gateway: system.url('realtime-gateway') };
    const periodMs = options.periodS * 1000;
    fleet = new DriverFleet(urls, { center: options.center, cityRadiusKm: options.cityRadiusKm, periodMs, driversPerWorker: options.driversPerWorker }, mint);
    riders = new RiderPool();
    probe = new NearbyProbe(urls, { center: options.center, intervalMs: options.probeIntervalMs, pollGapMs: 5, timeoutMs: options.timeoutMs, periodMs });
    log(`connecting ${options.riders} riders and ${options.probes} probe drivers`);
    await riders.open(urls.gateway, mint, options.riders);
    await probe.open(mint, options.probes, options.nearbyPrincipals);

    const running = system;
    const workers = fleet;
    const brokerPids = kafkaBrokerPids(testKafkaBrokers());
    const context: PhaseContext = {
      bookingUrl: urls.booking,
      fleet,
      riders,
      probe,
      busyDrivers: new Set(),
      timeoutMs: options.timeoutMs,
      kafkaRequests: () => readKafkaRequests({ 'booking-service': urls.booking, 'dispatch-service': urls.dispatch, 'realtime-gateway': urls.gateway }),
      outboxWait: () => readOutboxWait(urls.booking),
      databaseTransactions: () => readDatabaseTransactions(running.database.name),
      processes: async () => ({
        ...Object.fromEntries(SERVICES.map((name) => [name, running.processes.get(name)?.child.pid ?? NaN])),
        ...Object.fromEntries(brokerPids.map((pid) => [`${KAFKA}#${pid}`, pid])),
        ...(await postgresServer()),
        ...Object.fromEntries(workers.pids.map((pid) => [`${DRIVER_WORKERS}#${pid}`, pid])),
      }),
    };
    const play = async (kind: PlayedPhase['kind'], rate: number) => {
      await sleep(SETTLE_MS);
      const phase = await playPhase(context, rate, options.durationS);
      const missed =
        rate === 0
          ? []
          : missedGoals({
              rate,
              achievedRate: phase.achievedRate,
              offerP99Ms: phase.offer.p99,
              acceptToRiderP99Ms: phase.acceptToRider.p99,
              lost: lostRides(phase),
              noFreeRider: phase.rides.noFreeRider,
            });
      const played: PlayedPhase = { ...phase, kind, missed };
      session.phases.push(played);
      log(phaseLine(checkout.label, played));
      return played;
    };

    for (const [step, drivers] of options.drivers.entries()) {
      await fleet.grow(drivers, log);
      await waitUntilDispatchSees(fleet, urls, mint, drivers - (options.drivers[step - 1] ?? 0));
      if (step === 0 && options.warmupS > 0) {
        const warmupRate = options.rates[Math.floor(options.rates.length / 2)]!;
        log(`warming up: ${options.warmupS} s at ${warmupRate} rides/s, not kept`);
        await playPhase(context, warmupRate, options.warmupS);
      }
      await play('locations only', 0);
      const tried: { rate: number; held: boolean }[] = [];
      for (const rate of options.rates) tried.push({ rate, held: (await play('rate', rate)).missed.length === 0 });
      for (let refinement = 0; refinement < options.refine; refinement++) {
        const rate = nextRateToTry(tried);
        if (rate === undefined) break;
        tried.push({ rate, held: (await play('refinement', rate)).missed.length === 0 });
      }
      session.steady.set(drivers, largestSteadyRate(tried));
    }
  } finally {
    await stop();
    session.incidents.push(...(fleet?.lostSockets ?? []), ...(riders?.lostSockets ?? []), ...(system ? serviceIncidents(system) : []));
  }
  return session;
}

export const lostRides = (phase: PhaseResult) => [...phase.rides.lost.values()].reduce((sum, n) => sum + n, 0);

/** Until nearby lists a sample of the drivers just added where they wait: before that, no ride could reach them all. */
async function waitUntilDispatchSees(fleet: DriverFleet, urls: SystemUrls, mint: AccountMint, added: number): Promise<void> {
  const sample = fleet.drivers.slice(-added).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / READINESS_SAMPLE)) === 0);
  const askers = mint.mint('user', sample.length);
  const deadline = Date.now() + 60_000;
  const unseen = new Set(sample);
  while (unseen.size > 0) {
    if (Date.now() > deadline) throw new Error(`dispatch-service does not list ${unseen.size} of ${sample.length} sampled drivers after 60 s`);
    for (const [i, driver] of [...unseen].entries()) {
      const { status, body } = await http(
        `${urls.dispatch}/drivers/nearby?lat=${driver.home.lat}&lng=${driver.home.lng}&radius_m=500`,
        'GET',
        undefined,
        askers[i]!.token,
      );
      if (status === 200 && (body['drivers'] as { driver_id: string }[]).some((d) => d.driver_id === driver.id)) unseen.delete(driver);
    }
    await sleep(500);
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));

function phaseLine(label: string, phase: PlayedPhase): string {
  const head = `${label}, N=${phase.drivers}, ${phase.rate === 0 ? 'locations only' : `${phase.rate} rides/s`}: ${phase.locationUpdates} location updates`;
  const rides =
    phase.rate === 0
      ? ''
      : `; rides ${phase.rides.completed}/${phase.rides.scheduled} done, lost ${lostRides(phase)}; offer p50 ${ms(phase.offer.p50)} p99 ${ms(phase.offer.p99)}; ` +
        `accept→rider p50 ${ms(phase.acceptToRider.p50)} p99 ${ms(phase.acceptToRider.p99)}`;
  return `${head}${rides}; nearby p99 ${ms(phase.nearbyVisible.p99)} ms; machine ${phase.machinePercent.toFixed(0)}% busy${phase.missed.length ? `; missed: ${phase.missed.join(', ')}` : ''}`;
}
