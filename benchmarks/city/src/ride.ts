import { http } from '@rideline/e2e/client';
import { randomPoint } from '@rideline/demo/city';
import { describe, describeFailure } from '@rideline/e2e-bench/phase';
import { epochMs, sleep } from './clock.ts';
import type { DriverFleet } from './driver-fleet.ts';
import type { Rider, RiderPool } from './riders.ts';

/** Pickups are this close to where some driver waits, so every booking has drivers in the first search radius. */
const PICKUP_NEAR_DRIVER_KM = 0.5;
const TRIP_KM = 5;
/** How often a ride whose offered drivers are all busy looks again for one that is free. */
const RETRY_MS = 10;

/** Where a ride that did not complete stopped. */
export type LostAt = 'booking refused' | 'no offer' | 'no driver could accept' | 'no otp' | 'start refused' | 'complete refused' | 'request failed';

/** What the rides of one phase gathered. */
export class RideSamples {
  scheduled = 0;
  /** Due when every rider was still in a ride: the generator, not the system, ran short. */
  noFreeRider = 0;
  created = 0;
  completed = 0;
  /** Accepts whose `accepted` status never reached the rider (the ride may still complete, with its OTP). */
  noStatus = 0;
  readonly offerMs: number[] = [];
  readonly acceptToRiderMs: number[] = [];
  readonly lost = new Map<LostAt, number>();
  /** Refused accepts (403 NOT_OFFERED, 409 DRIVER_BUSY, ...): contention, retried with another offered driver. */
  readonly contention = new Map<string, number>();
  /** Requests answered otherwise than expected, by what and how. */
  readonly errors = new Map<string, number>();

  count<K>(map: Map<K, number>, key: K): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }
}

export interface RideContext {
  readonly bookingUrl: string;
  readonly fleet: DriverFleet;
  readonly riders: RiderPool;
  /** Drivers in a ride of ours: never asked to accept another. */
  readonly busyDrivers: Set<number>;
  readonly timeoutMs: number;
}

/**
 * One whole ride, as the apps play it: the rider books; the first offered driver that is free
 * accepts; the rider gets `accepted` and the OTP on its socket; the driver starts the trip with
 * the OTP and completes it. Returns when the ride ended, one way or another; a ride that stopped
 * half way is cancelled by its rider so that neither it nor the driver stays held.
 */
export async function playRide(context: RideContext, samples: RideSamples): Promise<void> {
  const rider = context.riders.take();
  samples.scheduled++;
  if (!rider) return void samples.noFreeRider++;
  try {
    const lostAt = await ride(context, rider, samples);
    if (lostAt) samples.count(samples.lost, lostAt);
    else samples.completed++;
  } catch (error) {
    samples.count(samples.lost, 'request failed');
    samples.count(samples.errors, describeFailure(error));
  } finally {
    context.riders.release(rider);
  }
}

async function ride(context: RideContext, rider: Rider, samples: RideSamples): Promise<LostAt | undefined> {
  const { fleet, riders, timeoutMs } = context;
  const bookings = `${context.bookingUrl}/bookings`;
  const near = fleet.drivers[Math.floor(Math.random() * fleet.drivers.length)]!.home;
  const pickup = randomPoint(near, PICKUP_NEAR_DRIVER_KM);
  const body = { pickup: { ...pickup, address: 'City bench pickup' }, dropoff: { ...randomPoint(pickup, TRIP_KM), address: 'City bench dropoff' } };

  const sentAt = epochMs();
  const created = await http(bookings, 'POST', body, rider.token);
  if (created.status !== 201) {
    samples.count(samples.errors, `POST /bookings answered ${describe(created)}`);
    return 'booking refused';
  }
  samples.created++;
  const bookingId = String(created.body['booking_id']);
  const cancel = async () => {
    const answer = await http(`${bookings}/${bookingId}/cancel`, 'POST', { reason: 'city bench: ride lost' }, rider.token);
    if (answer.status !== 200) samples.count(samples.errors, `rider cancel answered ${describe(answer)}`);
  };

  const offer = await fleet.firstOffers.wait(bookingId, sentAt + timeoutMs - epochMs());
  if (!offer) return cancel().then(() => 'no offer');
  samples.offerMs.push(offer.at - sentAt);

  const accepted = await acceptWithAnOfferedDriver(context, bookingId, samples);
  if (!accepted) return cancel().then(() => 'no driver could accept');
  const { driver, acceptSentAt } = accepted;
  const driverToken = fleet.drivers[driver]!.token;
  try {
    const status = await riders.acceptedStatuses.wait(bookingId, acceptSentAt + timeoutMs - epochMs());
    if (status) samples.acceptToRiderMs.push(status.at - acceptSentAt);
    else samples.noStatus++;
    const otp = await riders.otps.wait(bookingId, acceptSentAt + timeoutMs - epochMs());
    if (!otp) return await cancel().then(() => 'no otp');

    const started = await http(`${bookings}/${bookingId}/start`, 'POST', { otp: otp.by }, driverToken);
    if (started.status !== 200) {
      samples.count(samples.errors, `POST /bookings/:id/start answered ${describe(started)}`);
      return await cancel().then(() => 'start refused');
    }
    const completed = await http(`${bookings}/${bookingId}/complete`, 'POST', undefined, driverToken);
    if (completed.status !== 200) {
      samples.count(samples.errors, `POST /bookings/:id/complete answered ${describe(completed)}`);
      return 'complete refused';
    }
    return undefined;
  } finally {
    context.busyDrivers.delete(driver);
  }
}

/**
 * The first driver offered the booking that is not in another of our rides accepts; a refusal
 * (another ride got the driver first, or dispatch did not offer it this booking) is contention,
 * and the next offered driver tries, until the timeout.
 */
async function acceptWithAnOfferedDriver(
  context: RideContext,
  bookingId: string,
  samples: RideSamples,
): Promise<{ driver: number; acceptSentAt: number } | undefined> {
  const deadline = epochMs() + context.timeoutMs;
  const tried = new Set<number>();
  while (epochMs() < deadline) {
    const driver = context.fleet.offeredTo.get(bookingId)?.find((d) => !tried.has(d) && !context.busyDrivers.has(d));
    if (driver === undefined) {
      await sleep(RETRY_MS);
      continue;
    }
    tried.add(driver);
    context.busyDrivers.add(driver);
    const acceptSentAt = epochMs();
    const answer = await http(`${context.bookingUrl}/bookings/${bookingId}/accept`, 'POST', undefined, context.fleet.drivers[driver]!.token);
    if (answer.status === 200) return { driver, acceptSentAt };
    context.busyDrivers.delete(driver);
    samples.count(samples.contention, `accept answered ${describe(answer)}`);
  }
  return undefined;
}
