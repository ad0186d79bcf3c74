import { randomUUID } from 'node:crypto';
import type { TopicMessage } from '@rideline/contracts';
import { expect, it } from 'vitest';
import { keyPartition, keyPartitionEnd } from '../src/index.ts';
import { useTestRuntime } from './support/runtime.ts';

const t = useTestRuntime('kp', 6);

const revoked = (driverId: string): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 2,
  occurred_at: new Date().toISOString(),
  data: { booking_id: randomUUID(), driver_id: driverId, reason: 'accepted' },
});

it('names the partition the publisher writes a key to, and that partition’s end after each write', async () => {
  const topic = t.names.dispatchOffers;
  for (const key of Array.from({ length: 8 }, () => randomUUID())) {
    const before = await keyPartitionEnd(t.runtime.admin, topic, key);
    await t.runtime.publisher.publish([{ topic: 'dispatchOffers', key, message: revoked(key) }]);
    const after = await keyPartitionEnd(t.runtime.admin, topic, key);
    expect(after.partition).toBe(before.partition);
    expect(keyPartition(key, 6)).toBe(after.partition);
    // The record landed in exactly the partition named: its end moved by one.
    expect(BigInt(after.endOffset)).toBe(BigInt(before.endOffset) + 1n);
  }
});
