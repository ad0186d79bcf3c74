import type { DriverLocationRecord } from '@rideline/contracts';
import type { OutgoingRecord } from '@rideline/kafka';
import { describe, expect, it } from 'vitest';
import { DispatchState } from '../domain/index.ts';
import { DriverStateRepublisher } from './state-republisher.ts';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const REFRESH_MS = 30 * 60_000;
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
let ids = 0;
const record = (driverId: string, available: boolean | null, location: { lat: number; lng: number } | null, reportedAt: string): DriverLocationRecord => ({
  event_id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'DriverStatusReported',
  version: 1,
  occurred_at: reportedAt,
  data: { driver_id: driverId, available, location, reported_at: reportedAt },
});

function setUp(options: { ownedPartitions?: number[]; failSends?: number } = {}) {
  const ownedPartitions = options.ownedPartitions ?? [0];
  let failures = options.failSends ?? 0;
  const state = new DispatchState();
  const sent: OutgoingRecord<'driverLocations'>[] = [];
  const sends: number[] = [];
  const clock = { ms: T0 };
  const republisher = new DriverStateRepublisher({
    drivers: state.drivers,
    publish: async (records) => {
      if (failures-- > 0) throw new Error('broker away');
      sends.push(records.length);
      sent.push(...records);
    },
    owns: (partition) => ownedPartitions.includes(partition),
    intervalMs: 60_000,
    refreshAfterMs: REFRESH_MS,
    now: () => clock.ms,
    logger: silent,
  });
  /** What the consumer does with a record read from the topic. */
  const read = (message: DriverLocationRecord, partition = 0) => {
    state.fold({ topic: 'driverLocations', message, partition });
    republisher.observe(message, partition);
  };
  return { republisher, sent, sends, read, clock };
}

describe('DriverStateRepublisher', () => {
  it("leaves a driver's availability alone while the record that carries it is protected from compaction", async () => {
    const { republisher, sent, read, clock } = setUp();
    republisher.review();
    read(record('d1', true, null, at(0)));
    for (let s = 5; s < 1800; s += 5) read(record('d1', null, { lat: 1, lng: 2 + s / 1e4 }, at(s * 1000)));
    clock.ms = T0 + REFRESH_MS - 1;
    await republisher.flush();
    expect(sent).toEqual([]);
  });

  it("re-publishes it once that record is `refreshAfterMs` old and pings left it out, stamped with the last ping's time", async () => {
    const { republisher, sent, read, clock } = setUp();
    republisher.review();
    read(record('d1', true, null, at(0)));
    read(record('d1', null, { lat: 1, lng: 2 }, at(1_790_000)));
    read(record('d1', null, { lat: 1.1, lng: 2 }, at(1_795_000)));
    clock.ms = T0 + REFRESH_MS;
    await republisher.flush();
    expect(sent.map((r) => [r.key, r.message.data])).toEqual([
      ['d1', { driver_id: 'd1', available: true, location: { lat: 1.1, lng: 2 }, reported_at: at(1_795_000) }],
    ]);
    expect(sent[0]!.message.occurred_at).toBe(at(REFRESH_MS));
    // Its own record, read back, carries the availability: nothing more for another half hour.
    read(sent[0]!.message);
    read(record('d1', null, { lat: 1.2, lng: 2 }, at(REFRESH_MS + 5_000)));
    clock.ms = T0 + 2 * REFRESH_MS - 1;
    await republisher.flush();
    expect(sent).toHaveLength(1);
  });

  it('leaves alone drivers whose last record already says it, or whose availability is unknown', async () => {
    const { republisher, sent, read, clock } = setUp();
    republisher.review();
    read(record('d1', false, { lat: 1, lng: 2 }, at(0)));
    read(record('d2', null, { lat: 1, lng: 2 }, at(0)));
    clock.ms = T0 + 10 * REFRESH_MS;
    await republisher.flush();
    expect(sent).toEqual([]);
  });

  it('corrects at once a record that carries an availability overtaken by a newer one', async () => {
    const { republisher, sent, read } = setUp();
    republisher.review();
    read(record('d1', false, null, at(10_000)));
    read(record('d1', true, { lat: 1, lng: 2 }, at(5_000))); // late, and older
    await republisher.flush();
    expect(sent.map((r) => r.message.data.available)).toEqual([false]);
  });

  it("keeps only its own partitions' drivers, and only once the replay is done", async () => {
    const { republisher, sent, read, clock } = setUp({ ownedPartitions: [0] });
    read(record('d1', true, null, at(0)));
    read(record('d1', null, { lat: 1, lng: 2 }, at(1_000)));
    read(record('d2', true, null, at(0)), 1);
    read(record('d2', null, { lat: 1, lng: 2 }, at(1_000)), 1);
    clock.ms = T0 + REFRESH_MS;
    expect(republisher.due()).toEqual([]); // still replaying
    republisher.review();
    await republisher.flush();
    expect(sent.map((r) => r.key)).toEqual(['d1']);
  });

  it('sends a large backlog in requests of at most 500 records, and retries what a failed send left', async () => {
    const { republisher, sends, read, clock } = setUp({ failSends: 1 });
    republisher.review();
    for (let i = 0; i < 1_200; i++) {
      read(record(`d${i}`, true, null, at(0)));
      read(record(`d${i}`, null, { lat: 1, lng: 2 }, at(1_000)));
    }
    clock.ms = T0 + REFRESH_MS;
    await republisher.flush(); // the first request fails: nothing is lost, all still due
    expect(sends).toEqual([]);
    expect(republisher.due()).toHaveLength(1_200);
    await republisher.flush();
    expect(sends).toEqual([500, 500, 200]);
  });
});
