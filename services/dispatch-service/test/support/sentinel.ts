import { randomUUID } from 'node:crypto';
import type { OutgoingRecord } from '@rideline/kafka';
import { keyPartition } from '@rideline/kafka';
import { TEST_PARTITIONS, type Harness } from './dispatch-harness.ts';
import { bookingRequested, driverStatus } from './messages.ts';

const EVERY_PARTITION: readonly number[] = Array.from({ length: TEST_PARTITIONS }, (_, partition) => partition);

/** An id that, as a record key, lands on `partition` of a test topic. */
function idOnPartition(partition: number): string {
  for (;;) {
    const id = randomUUID();
    if (keyPartition(id, TEST_PARTITIONS) === partition) return id;
  }
}

let areasUsed = 0;
/** An area of its own for each sentinel: far (100 km and more) from the tests' (`areas()`) and from each other. */
function sentinelArea(): { lat: number; lng: number } {
  const n = areasUsed++;
  return { lat: 30 + (n % 20) * 0.9, lng: -60 + Math.floor(n / 20) * 1.5 };
}

/** The bookings the sentinels of this file requested, so that tests counting offers can leave theirs out. */
export const sentinelBookings = new Set<string>();

/**
 * Proves that `instances` have decided, and published where `instances[0].reader` sees it,
 * everything owed for the booking.events records published so far on the partitions of
 * `bookingIds` (on every partition when none are given), so that a test can then assert that
 * nothing else was offered or revoked (no sleeping, and a late record cannot slip past).
 *
 * A sentinel is a booking requested on such a partition, in an area of its own with one driver
 * of its own; there is one for each dispatch.offers partition, its driver's id keyed there. An
 * instance folds a partition's records in order, and decides what a record owes in the step that
 * follows its fold, and its publisher keeps the order of its sends: so once the reader has every
 * sentinel's offer, on every dispatch.offers partition, it has read whatever was owed before.
 *
 * With several instances the sentinels are offered by each partition's owner only, which says
 * nothing of what another instance did; so each instance must first have folded the sentinels
 * (it has then decided on the records before them), and a second round, on every partition,
 * makes every instance publish after that.
 *
 * Not covered: a decision queued behind a publish still under way for the same booking (the
 * dispatcher runs one step at a time per booking).
 */
export async function settled(instances: readonly Harness[], bookingIds?: readonly string[]): Promise<void> {
  const partitions = bookingIds === undefined ? EVERY_PARTITION : [...new Set(bookingIds.map((id) => keyPartition(id, TEST_PARTITIONS)))];
  await sentinelRound(instances, partitions);
  if (instances.length > 1) await sentinelRound(instances, EVERY_PARTITION);
}

async function sentinelRound(instances: readonly Harness[], partitions: readonly number[]): Promise<void> {
  const [first] = instances;
  if (first === undefined) throw new Error('settled: no instance');
  const sentinels = partitions.flatMap((partition) =>
    EVERY_PARTITION.map((offersPartition) => ({ bookingId: idOnPartition(partition), driverId: idOnPartition(offersPartition), at: sentinelArea() })),
  );
  const publish = (records: OutgoingRecord[]) => first.system.kafka.publisher.publish(records);

  await publish(
    sentinels.map(({ driverId, at }) => ({ topic: 'driverLocations', key: driverId, message: driverStatus(driverId, { location: at, available: true }) })),
  );
  await first.reader.waitFor(() => instances.every((h) => sentinels.every(({ driverId }) => h.system.state.drivers.get(driverId) !== undefined)));

  for (const { bookingId } of sentinels) sentinelBookings.add(bookingId);
  await publish(sentinels.map(({ bookingId, at }) => ({ topic: 'bookingEvents', key: bookingId, message: bookingRequested(bookingId, at) })));
  await first.reader.waitFor(
    () =>
      sentinels.every(({ bookingId, driverId }) => first.offersOf(bookingId).some((r) => r.type === 'BookingOffered' && r.data.driver_id === driverId)) &&
      instances.every((h) => sentinels.every(({ bookingId }) => h.system.state.offers.partitionOf(bookingId) !== null)),
  );
}
