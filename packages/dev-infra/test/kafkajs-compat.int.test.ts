/**
 * kafkajs 2.2.4 against the real local Kafka broker (the version of DEFAULT_KAFKA_VERSION, or
 * $RIDELINE_KAFKA_VERSION): admin, keyed produce to several partitions, consumption in a group with
 * committed offsets, and a rebalance when a second member joins and leaves.
 *
 * Uses the broker at $KAFKA_BROKERS if set, else starts one in a temp dir on free ports.
 */
import kafkajs, { AssignerProtocol, CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, Consumer, ConsumerGroupJoinEvent, KafkaMessage, logCreator, Producer } from 'kafkajs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useTestKafka, waitFor } from './helpers/broker.ts';
import type { TestKafka } from './helpers/broker.ts';

interface Received {
  consumer: string;
  partition: number;
  offset: bigint;
  key: string;
  seq: number;
  eventType: string | undefined;
}

// Not a named export that Node's CommonJS interop detects: take it from the default export.
const { ConfigResourceTypes } = kafkajs;
const KAFKAJS_VERSION = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;
const PARTITIONS = 3;
const KEYS = Array.from({ length: 12 }, (_, i) => `ride-${i}`);

function decode(message: KafkaMessage): { key: string; seq: number; eventType: string | undefined } {
  const header = message.headers?.['event-type'];
  return {
    key: message.key?.toString('utf8') ?? '',
    seq: (JSON.parse(message.value?.toString('utf8') ?? '{}') as { seq: number }).seq,
    eventType: header === undefined ? undefined : Buffer.isBuffer(header) ? header.toString('utf8') : String(header),
  };
}

/** kafkajs errors that are part of normal operation here (rebalances, creating a topic twice). */
const EXPECTED_ERRORS = [/group is rebalancing/, /coordinator is not available/, /Topic creation errors/, /already exists/];

/**
 * Records which API versions kafkajs negotiated with the broker (the evidence for
 * KAFKA_VERSIONS.md) and prints only unexpected errors.
 */
function recordingLogCreator(used: Map<string, Set<number>>): logCreator {
  return () =>
    ({ level, log }) => {
      const request = /^Request (\w+)\(key: \d+, version: (\d+)\)/.exec(log.message);
      if (request?.[1] && request[2]) {
        const versions = used.get(request[1]) ?? new Set<number>();
        versions.add(Number(request[2]));
        used.set(request[1], versions);
        return;
      }
      if (level <= logLevel.ERROR && !EXPECTED_ERRORS.some((re) => re.test(`${log.message} ${String(log['error'])}`))) {
        process.stderr.write(`[kafkajs] ${JSON.stringify(log)}\n`);
      }
    };
}

function assignedPartitions(memberAssignment: Buffer, topic: string): number[] {
  const decoded = AssignerProtocol.MemberAssignment.decode(memberAssignment);
  return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
}

describe('kafkajs 2.2.4 against the local Kafka broker', () => {
  let infra: TestKafka;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  const topic = uniqueName('compat.rides');
  const compactedTopic = uniqueName('compat.ride-state');
  const groupId = uniqueName('compat-group');
  const compactedGroupId = uniqueName('compat-state-group');
  let produced = 0;
  const apiVersionsUsed = new Map<string, Set<number>>();

  beforeAll(async () => {
    infra = await useTestKafka();
    kafka = new Kafka({
      clientId: 'rideline-kafkajs-compat',
      brokers: infra.brokers,
      logLevel: logLevel.DEBUG,
      logCreator: recordingLogCreator(apiVersionsUsed),
      retry: { retries: 8, initialRetryTime: 200 },
    });
    admin = kafka.admin();
    await admin.connect();
    // Idempotent: a retried send under load must not duplicate, or the counts below would drift.
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  }, 600_000);

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await producer?.disconnect().catch(() => undefined);
    if (admin) {
      await admin.deleteGroups([groupId, compactedGroupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic, compactedTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
    await infra?.close();
    const used = [...apiVersionsUsed].map(([api, v]) => `${api} v${[...v].sort((a, b) => a - b).join('/')}`).sort();
    process.stderr.write(`kafkajs ${KAFKAJS_VERSION} used these API versions: ${used.join(', ')}\n`);
  }, 120_000);

  it('admin: describes the cluster, creates topics (one compacted) and reads their metadata and configs', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.clusterId).toBeTruthy();

    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: PARTITIONS, replicationFactor: 1 },
        {
          topic: compactedTopic,
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        },
      ],
    });
    expect(created).toBe(true);
    // Creating it again is reported as "already there", not thrown.
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })).toBe(false);

    expect(await admin.listTopics()).toEqual(expect.arrayContaining([topic, compactedTopic]));
    const metadata = await admin.fetchTopicMetadata({ topics: [topic, compactedTopic] });
    const byName = new Map(metadata.topics.map((t) => [t.name, t]));
    expect(byName.get(topic)?.partitions).toHaveLength(PARTITIONS);
    expect(byName.get(compactedTopic)?.partitions).toHaveLength(2);
    for (const partition of byName.get(topic)?.partitions ?? []) {
      expect(partition.leader).toBeGreaterThanOrEqual(0);
      expect(partition.isr).toContain(partition.leader);
    }

    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: compactedTopic, configNames: ['cleanup.policy'] }],
    });
    const entry = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy');
    expect(entry?.configValue).toBe('compact');
  });

  it('produces keyed messages with headers to several partitions (acks=all, also gzip and sendBatch)', async () => {
    const batch = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        key: KEYS[(from + i) % KEYS.length] ?? 'ride-x',
        value: JSON.stringify({ seq: from + i }),
        headers: { 'event-type': 'RideRequested' },
      }));
    const plain = await producer.send({ topic, acks: -1, messages: batch(0, 48) });
    expect(new Set(plain.map((r) => r.partition)).size).toBeGreaterThan(1);
    for (const record of plain) expect(record.errorCode).toBe(0);

    const gzip = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: batch(48, 12) });
    expect(gzip.length).toBeGreaterThan(0);

    const multi = await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic, messages: batch(60, 10) },
        {
          topic: compactedTopic,
          messages: [
            { key: 'ride-a', value: 'requested' },
            { key: 'ride-b', value: 'requested' },
            { key: 'ride-a', value: 'accepted' },
            { key: 'ride-b', value: null },
          ],
        },
      ],
    });
    expect(new Set(multi.map((r) => r.topicName))).toEqual(new Set([topic, compactedTopic]));
    produced = 70;

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(PARTITIONS);
    expect(offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).toBe(produced);
  });

  it('consumes in a group, commits offsets, and rebalances when a second member joins and leaves', async () => {
    const received: Received[] = [];
    const joins: Record<string, ConsumerGroupJoinEvent[]> = { first: [], second: [] };
    const startConsumer = async (name: 'first' | 'second'): Promise<Consumer> => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        rebalanceTimeout: 15_000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 200,
        allowAutoTopicCreation: false,
      });
      consumers.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        joins[name]?.push(event);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push({ consumer: name, partition, offset: BigInt(message.offset), ...decode(message) });
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
      return consumer;
    };
    const describeGroup = async () => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      if (!group) throw new Error(`describeGroups returned nothing for ${groupId}`);
      return group;
    };
    /** Waits until the group is Stable with `members` members. */
    const stableWith = (members: number, what: string) =>
      waitFor(
        what,
        async () => {
          const g = await describeGroup();
          return g.state === 'Stable' && g.members.length === members;
        },
        60_000,
      );

    // One member: gets all partitions, reads everything from the beginning, commits.
    const first = await startConsumer('first');
    await waitFor('the first member to read all 70 messages', () => received.length >= produced, 60_000);
    expect(received).toHaveLength(produced);
    expect(new Set(received.map((r) => r.seq)).size).toBe(produced);
    expect(received.every((r) => r.eventType === 'RideRequested')).toBe(true);
    // Same key, same partition; offsets increase within a partition.
    const partitionOfKey = new Map<string, number>();
    const lastOffset = new Map<number, bigint>();
    for (const r of received) {
      expect(partitionOfKey.get(r.key) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(r.key, r.partition);
      expect(r.offset > (lastOffset.get(r.partition) ?? -1n)).toBe(true);
      lastOffset.set(r.partition, r.offset);
    }
    expect(new Set(partitionOfKey.values()).size).toBe(PARTITIONS);

    // Committed offsets are visible to the admin and equal the log end.
    const highWatermarks = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    await waitFor(
      'committed offsets to reach the log end',
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return (committed?.partitions ?? []).every((p) => p.offset === highWatermarks.get(p.partition));
      },
      20_000,
    );
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions).toHaveLength(PARTITIONS);

    let group = await describeGroup();
    expect(group.state).toBe('Stable');
    expect(group.protocolType).toBe('consumer');
    expect(group.members).toHaveLength(1);
    expect(assignedPartitions(group.members[0]?.memberAssignment ?? Buffer.alloc(0), topic)).toEqual([0, 1, 2]);

    // A second member joins: the group rebalances and splits the partitions.
    await startConsumer('second');
    await stableWith(2, 'the group to rebalance to two members');
    await waitFor('both members to (re)join', () => (joins['first']?.length ?? 0) >= 2 && (joins['second']?.length ?? 0) >= 1, 30_000);
    group = await describeGroup();
    const split = group.members.map((m) => assignedPartitions(m.memberAssignment, topic));
    expect(split.every((p) => p.length > 0)).toBe(true);
    expect(split.flat().sort()).toEqual([0, 1, 2]);

    // New messages are shared between the members, each delivered once.
    const before = received.length;
    await producer.send({
      topic,
      acks: -1,
      messages: KEYS.flatMap((key, i) => [0, 1].map((j) => ({ key, value: JSON.stringify({ seq: 1000 + i * 2 + j }) }))),
    });
    await waitFor('both members to read the 24 new messages', () => received.length >= before + 24, 60_000);
    const fresh = received.slice(before);
    expect(new Set(fresh.map((r) => r.seq)).size).toBe(24);
    expect(new Set(fresh.map((r) => r.consumer))).toEqual(new Set(['first', 'second']));

    // The second member leaves: the first gets every partition back.
    const second = consumers.pop();
    await second?.disconnect();
    await stableWith(1, 'the group to rebalance back to one member');
    group = await describeGroup();
    expect(assignedPartitions(group.members[0]?.memberAssignment ?? Buffer.alloc(0), topic)).toEqual([0, 1, 2]);

    // With the group empty, offsets can be set back (what `consumer-groups --reset-offsets` does).
    await first.disconnect();
    consumers.splice(consumers.indexOf(first), 1);
    await waitFor('the group to be empty', async () => (await describeGroup()).state === 'Empty', 30_000);
    await admin.setOffsets({ groupId, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '0' })) });
    const [reset] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset?.partitions.map((p) => p.offset)).toEqual(['0', '0', '0']);
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).toContain(groupId);
  }, 240_000);

  it('reads a compacted topic with a tombstone', async () => {
    const consumer = kafka.consumer({ groupId: compactedGroupId, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    const seen: { key: string; value: string | null }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: compactedTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key?.toString() ?? '', value: message.value === null ? null : message.value.toString() });
      },
    });
    await waitFor('the 4 records of the compacted topic', () => seen.length >= 4, 60_000);
    expect(seen.filter((r) => r.key === 'ride-a').map((r) => r.value)).toEqual(['requested', 'accepted']);
    expect(seen.filter((r) => r.key === 'ride-b').map((r) => r.value)).toEqual(['requested', null]);
  }, 120_000);
});
