import { http, type Account } from '@rideline/e2e/client';
import { randomPoint } from '@rideline/demo/city';
import type { CpuMeter, CpuUsage } from './cpu.ts';
import type { Fleet, Rider } from './fleet.ts';
import { distribution, type Distribution } from '@rideline/stats';

/** Pickups are this close to a driver, so every booking has drivers to offer it to. */
const PICKUP_NEAR_DRIVER_M = 500;
const TRIP_LENGTH_M = 5_000;

export interface PhaseResult {
  readonly targetRate: number;
  /** Bookings created (201) per second of the sending window. */
  readonly achievedRate: number;
  readonly created: number;
  /** A: just before POST /bookings → the first `available_booking` for it on a driver's socket. */
  readonly offer: Distribution;
  /** B: just before POST /bookings/:id/accept → `accepted` for it on the rider's socket. */
  readonly acceptedStatus: Distribution;
  readonly postBooking: Distribution;
  readonly postAccept: Distribution;
  readonly noOffer: number;
  readonly noStatus: number;
  /** Distinct failures with how often each happened. */
  readonly errors: ReadonlyMap<string, number>;
  /** How late the generator sent its latest booking: a large value means the client fell behind. */
  readonly maxSendLagMs: number;
  readonly cpu: CpuUsage;
}

class Samples {
  created = 0;
  noOffer = 0;
  noStatus = 0;
  readonly offer: number[] = [];
  readonly acceptedStatus: number[] = [];
  readonly postBooking: number[] = [];
  readonly postAccept: number[] = [];
  readonly errors = new Map<string, number>();

  error(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One phase, open loop: booking i is sent at start + i/rate whether or not the earlier ones are
 * done, so a slow system gets more concurrent bookings, not fewer requests.
 */
export async function playPhase(fleet: Fleet, meter: CpuMeter, rate: number, durationS: number, timeoutMs: number): Promise<PhaseResult> {
  const samples = new Samples();
  const cpuBefore = meter.read();
  const count = Math.max(1, Math.round(rate * durationS));
  const intervalMs = 1000 / rate;
  const flows: Promise<void>[] = [];
  const startedAt = performance.now();
  let maxSendLagMs = 0;
  for (let index = 0; index < count; index++) {
    const due = startedAt + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    flows.push(playBooking(fleet, index, timeoutMs, samples).catch((error: unknown) => samples.error(describeFailure(error))));
  }
  const sendingS = (performance.now() - startedAt + intervalMs) / 1000;
  await Promise.all(flows);
  return {
    targetRate: rate,
    achievedRate: samples.created / sendingS,
    created: samples.created,
    offer: distribution(samples.offer),
    acceptedStatus: distribution(samples.acceptedStatus),
    postBooking: distribution(samples.postBooking),
    postAccept: distribution(samples.postAccept),
    noOffer: samples.noOffer,
    noStatus: samples.noStatus,
    errors: samples.errors,
    maxSendLagMs,
    cpu: meter.usageSince(cpuBefore),
  };
}

/**
 * A rider books; the first driver offered it accepts at once; then that driver cancels, which
 * (unlike start + complete) takes one request and frees the driver in dispatch right away.
 */
async function playBooking(fleet: Fleet, index: number, timeoutMs: number, samples: Samples): Promise<void> {
  const rider = fleet.takeRider(index);
  if (!rider) return samples.error('no rider free to book (each holds one active booking at a time): raise --riders');
  try {
    await playBookingAs(rider, fleet, timeoutMs, samples);
  } finally {
    fleet.releaseRider(rider);
  }
}

async function playBookingAs(rider: Rider, fleet: Fleet, timeoutMs: number, samples: Samples): Promise<void> {
  const nearDriver = fleet.drivers[Math.floor(Math.random() * fleet.drivers.length)]!.position;
  const body = {
    pickup: { ...randomPoint(nearDriver, PICKUP_NEAR_DRIVER_M / 1000), address: 'Bench pickup' },
    dropoff: { ...randomPoint(nearDriver, TRIP_LENGTH_M / 1000), address: 'Bench dropoff' },
  };
  const bookings = `${fleet.urls.booking}/bookings`;

  const sentAt = performance.now();
  const created = await http(bookings, 'POST', body, rider.token);
  samples.postBooking.push(performance.now() - sentAt);
  if (created.status !== 201) return samples.error(`POST /bookings answered ${describe(created)}`);
  samples.created++;
  const bookingId = String(created.body['booking_id']);

  const offer = await fleet.offers.wait(bookingId, sentAt + timeoutMs - performance.now());
  if (!offer) {
    samples.noOffer++;
    return act(samples, rider, `${bookings}/${bookingId}/cancel`, 'rider cancel (no offer)', { reason: 'benchmark: no offer' });
  }
  samples.offer.push(offer.at - sentAt);

  const acceptSentAt = performance.now();
  const accepted = await http(`${bookings}/${bookingId}/accept`, 'POST', undefined, offer.by.token);
  samples.postAccept.push(performance.now() - acceptSentAt);
  if (accepted.status !== 200) {
    samples.error(`POST /bookings/:id/accept answered ${describe(accepted)}`);
    return act(samples, rider, `${bookings}/${bookingId}/cancel`, 'rider cancel (accept failed)', { reason: 'benchmark: accept failed' });
  }
  const status = await fleet.acceptedStatuses.wait(bookingId, acceptSentAt + timeoutMs - performance.now());
  if (status) samples.acceptedStatus.push(status.at - acceptSentAt);
  else samples.noStatus++;
  await act(samples, offer.by, `${bookings}/${bookingId}/cancel`, 'driver cancel', { reason: 'benchmark: freeing the driver' });
}

async function act(samples: Samples, who: Account, url: string, what: string, body: unknown): Promise<void> {
  const response = await http(url, 'POST', body, who.token);
  if (response.status !== 200) samples.error(`${what} answered ${describe(response)}`);
}

export const describe = (response: { status: number; body: Record<string, unknown> | undefined }) =>
  `${response.status}${response.body?.['code'] ? ` ${String(response.body['code'])}` : ''}`;

/** fetch's "fetch failed" names its reason only in `cause` (e.g. ECONNREFUSED). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}
