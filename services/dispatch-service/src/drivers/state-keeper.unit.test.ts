import type { DriverLocationRecord } from '@rideline/contracts';
import type { OutgoingRecord } from '@rideline/kafka';
import { describe, expect, it } from 'vitest';
import { DispatchState } from '../domain/index.ts';
import { DriverStateKeeper } from './state-keeper.ts';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
let ids = 0;
const record = (driverId: string, available: boolean | null, location: { lat: number; lng: number } | null, reportedAt: string): DriverLocationRecord => ({
  event_id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'DriverStatusReported',
  version: 1,
  occurred_at: reportedAt,
  data: { driver_id: driverId, available, location, reported_at: reportedAt },
});

function setUp(ownedPartitions = [0]) {
  const state = new DispatchState();
  const sent: OutgoingRecord<'driverLocations'>[] = [];
  const keeper = new DriverStateKeeper({
    drivers: state.drivers,
    publish: async (records) => void sent.push(...records),
    owns: (partition) => ownedPartitions.includes(partition),
    intervalMs: 60_000,
    logger: silent,
  });
  /** What the picture consumer does with a record read from the topic. */
  const read = (message: DriverLocationRecord, partition = 0) => {
    state.fold({ topic: 'driverLocations', message, partition });
    keeper.observe(message, partition);
  };
  return { keeper, sent, read };
}

describe('DriverStateKeeper', () => {
  it("re-publishes a driver's availability after pings that did not carry it, stamped with the ping's time", async () => {
    const { keeper, sent, read } = setUp();
    keeper.review();
    read(record('d1', true, null, '2026-11-26T10:00:00.000Z'));
    read(record('d1', null, { lat: 1, lng: 2 }, '2026-11-26T10:00:05.000Z'));
    read(record('d1', null, { lat: 1.1, lng: 2 }, '2026-11-26T10:00:09.000Z'));
    expect(keeper.pendingCount).toBe(1);
    await keeper.flush();
    expect(sent.map((r) => [r.key, r.message.data])).toEqual([
      ['d1', { driver_id: 'd1', available: true, location: { lat: 1.1, lng: 2 }, reported_at: '2026-11-26T10:00:09.000Z' }],
    ]);
    // Its own record, read back, carries the availability: nothing more to do.
    read(sent[0]!.message);
    await keeper.flush();
    expect(sent).toHaveLength(1);
  });

  it('leaves alone drivers whose last record already says it, or whose availability is unknown', async () => {
    const { keeper, sent, read } = setUp();
    keeper.review();
    read(record('d1', false, { lat: 1, lng: 2 }, '2026-11-26T10:00:00.000Z'));
    read(record('d2', null, { lat: 1, lng: 2 }, '2026-11-26T10:00:00.000Z'));
    await keeper.flush();
    expect(sent).toEqual([]);
  });

  it('corrects a record that carries an availability overtaken by a newer one', async () => {
    const { keeper, sent, read } = setUp();
    keeper.review();
    read(record('d1', false, null, '2026-11-26T10:00:10.000Z'));
    read(record('d1', true, { lat: 1, lng: 2 }, '2026-11-26T10:00:05.000Z')); // late, and older
    await keeper.flush();
    expect(sent.map((r) => r.message.data.available)).toEqual([false]);
  });

  it("keeps only its own partitions' drivers, and only once the replay is done", async () => {
    const { keeper, sent, read } = setUp([0]);
    read(record('d1', true, null, '2026-11-26T10:00:00.000Z'));
    read(record('d1', null, { lat: 1, lng: 2 }, '2026-11-26T10:00:01.000Z'));
    read(record('d2', true, null, '2026-11-26T10:00:00.000Z'), 1);
    read(record('d2', null, { lat: 1, lng: 2 }, '2026-11-26T10:00:01.000Z'), 1);
    expect(keeper.pendingCount).toBe(0); // still replaying
    keeper.review();
    await keeper.flush();
    expect(sent.map((r) => r.key)).toEqual(['d1']);
  });
});
