import { CpuMeter } from '@rideline/e2e-bench/cpu';
import { distribution, type Distribution } from '@rideline/stats';
import { epochMs, sleep } from './clock.ts';
import type { DriverFleet } from './driver-fleet.ts';
import { requestsBetween, type RequestCount } from './kafka-requests.ts';
import { waitBetween, type OutboxWait, type OutboxWaitTotals } from './outbox-wait.ts';
import type { NearbyProbe, ProbeSamples } from './probes.ts';
import { cpuByGroup, type ProcessMap } from './processes.ts';
import { playRide, RideSamples, type RideContext } from './ride.ts';

export interface PhaseContext extends RideContext {
  readonly fleet: DriverFleet;
  readonly probe: NearbyProbe;
  /** The processes to read CPU of, looked up afresh each phase (pooled database backends come and go). */
  readonly processes: () => Promise<ProcessMap>;
  /** The services' Kafka requests so far (running totals from their /metrics). */
  readonly kafkaRequests: () => Promise<RequestCount[]>;
  /** booking-service's commit → Kafka histograms so far. */
  readonly outboxWait: () => Promise<OutboxWaitTotals>;
  /** Transactions (statements, for the services) PostgreSQL has ended in the system's database so far. */
  readonly databaseTransactions: () => Promise<number>;
}

export interface PhaseResult {
  readonly drivers: number;
  /** Rides per second asked; 0 for the locations-only phase. */
  readonly rate: number;
  /** Rides started per second of the sending window. */
  readonly achievedRate: number;
  /** From the first ride sent to the last ride ended (at least the phase's duration), s. */
  readonly windowS: number;
  readonly rides: RideSamples;
  readonly offer: Distribution;
  readonly acceptToRider: Distribution;
  readonly probes: ProbeSamples;
  readonly nearbyVisible: Distribution;
  /** Location frames sent in the window (drivers and probe drivers). */
  readonly locationUpdates: number;
  /** How late the runner started a ride, at worst, ms. */
  readonly rideSendLagMaxMs: number;
  /** How late the driver workers sent their frames (one sample per schedule slot), ms. */
  readonly frameSendLag: Distribution;
  /** CPU by process group, % of one core. */
  readonly cpuByGroup: Readonly<Record<string, number>>;
  /** The whole machine, % of all its cores. */
  readonly machinePercent: number;
  /** Kafka requests the services sent in the window (none when the checkout does not count them). */
  readonly kafkaRequests: readonly RequestCount[];
  /** Commit → Kafka in the window (what the checkout measures of it). */
  readonly commitToKafka: OutboxWait;
  /** Transactions PostgreSQL ended in the system's database in the window (each statement of the services is one). */
  readonly databaseTransactions: number;
}

/**
 * One phase at `rate` rides/s, open loop: ride i starts at start + i/rate whether or not the
 * earlier ones have ended, so a slow system gets more rides at once, not fewer. Rate 0 plays
 * only the drivers' location frames, for the CPU they cost alone. CPU, frames and probes are
 * taken over the same window, which ends when the last ride has ended.
 */
export async function playPhase(context: PhaseContext, rate: number, durationS: number): Promise<PhaseResult> {
  const meter = new CpuMeter(await context.processes());
  const samples = new RideSamples();
  await context.fleet.counters(); // zeroes them
  context.probe.start();
  const requestsBefore = await context.kafkaRequests();
  const outboxBefore = await context.outboxWait();
  const transactionsBefore = await context.databaseTransactions();
  const cpuBefore = meter.read();
  const startedAt = epochMs();
  const rides: Promise<void>[] = [];
  let rideSendLagMaxMs = 0;
  if (rate > 0) {
    const intervalMs = 1000 / rate;
    const count = Math.max(1, Math.round(rate * durationS));
    for (let i = 0; i < count; i++) {
      const due = startedAt + i * intervalMs;
      const wait = due - epochMs();
      if (wait > 0) await sleep(wait);
      rideSendLagMaxMs = Math.max(rideSendLagMaxMs, epochMs() - due);
      rides.push(playRide(context, samples));
    }
  }
  await sleep(Math.max(0, startedAt + durationS * 1000 - epochMs()));
  const sendingS = (epochMs() - startedAt) / 1000;
  await Promise.all(rides);
  const cpu = meter.usageSince(cpuBefore);
  const requestsAfter = await context.kafkaRequests();
  const outboxAfter = await context.outboxWait();
  const transactionsAfter = await context.databaseTransactions();
  const counters = await context.fleet.counters();
  const windowS = (epochMs() - startedAt) / 1000;
  const probes = await context.probe.stop();
  return {
    drivers: context.fleet.drivers.length,
    rate,
    achievedRate: (samples.scheduled - samples.noFreeRider) / sendingS,
    windowS,
    rides: samples,
    offer: distribution(samples.offerMs),
    acceptToRider: distribution(samples.acceptToRiderMs),
    probes,
    nearbyVisible: distribution(probes.visibleMs),
    locationUpdates: counters.frames + probes.frames,
    rideSendLagMaxMs,
    frameSendLag: distribution(counters.lagsMs),
    cpuByGroup: cpuByGroup(cpu),
    machinePercent: cpu.machine,
    kafkaRequests: requestsBetween(requestsBefore, requestsAfter),
    commitToKafka: waitBetween(outboxBefore, outboxAfter),
    databaseTransactions: transactionsAfter - transactionsBefore,
  };
}
