import { randomUUID } from 'node:crypto';
import type { TopicMessage } from '@rideline/contracts';
import { expect, it } from 'vitest';
import { useTestRuntime } from './support/runtime.ts';

/**
 * The broker refuses a record batch larger than its `message.max.bytes` (1 MiB by default), and
 * kafkajs puts all of one call's records for a partition into one batch. Dispatch re-publishing
 * 10,000 drivers' states in one call failed that way ("message larger than the max message size").
 */
// One partition: every record of the call lands in the same batch.
const t = useTestRuntime('large', 1);

const state = (driverId: string, i: number): TopicMessage<'driverLocations'> => ({
  event_id: randomUUID(),
  type: 'DriverStatusReported',
  version: 1,
  occurred_at: new Date().toISOString(),
  data: { driver_id: driverId, available: i % 2 === 0, location: { lat: 52.5 + i / 1e6, lng: 13.4 - i / 1e6 }, reported_at: new Date().toISOString() },
});

it('publishes 10,000 driver states (well over 1 MiB for one partition) in one call, all of them', { timeout: 60_000 }, async () => {
  const records = Array.from({ length: 10_000 }, (_, i) => ({ topic: 'driverLocations' as const, key: `driver-${i}`, message: state(`driver-${i}`, i) }));
  const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.message)) + r.key.length, 0);
  expect(bytes).toBeGreaterThan(2 * 1024 * 1024);

  await t.runtime.publisher.publish(records);

  const [end] = await t.runtime.admin.fetchTopicOffsets(t.names.driverLocations);
  expect(Number(end?.high) - Number(end?.low)).toBe(10_000);
});
