import type { Admin, PartitionMetadata } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';

/** Where a key's records go in a topic, and how far that partition has been written. */
export interface KeyPartitionEnd {
  readonly partition: number;
  /**
   * The partition's high watermark: the offset the next record will get. Every record a
   * consumer can already have read (and so every record someone has seen) is below it.
   */
  readonly endOffset: string;
  /** The partition's first offset still held (older records are past retention). */
  readonly startOffset: string;
  /** How many partitions the topic has now (which decides where a key goes). */
  readonly partitionCount: number;
}

// The producer's partitioner (TopicPublisher uses the same one): murmur2 of the key, modulo the
// partition count, as Kafka's Java client does. Keyed records never use its round-robin state.
const partitionOf = Partitioners.DefaultPartitioner();

/** The partition `key` is written to in a topic of `partitionCount` partitions (numbered from 0). */
export function keyPartition(key: string, partitionCount: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [],
    isr: [],
  }));
  return partitionOf({ topic: '', partitionMetadata, message: { key, value: null } });
}

/** The partition `key` is written to in `topic`, and that partition's current end. */
export async function keyPartitionEnd(admin: Admin, topic: string, key: string): Promise<KeyPartitionEnd> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const partition = keyPartition(key, offsets.length);
  const end = offsets.find((entry) => entry.partition === partition);
  if (!end) throw new Error(`topic ${topic} has no partition ${partition}`);
  return { partition, endOffset: end.high, startOffset: end.low, partitionCount: offsets.length };
}
