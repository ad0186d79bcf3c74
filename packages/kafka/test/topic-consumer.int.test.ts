import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaRuntime, TopicConsumer, type ConsumedRecord, type KafkaRuntime, type RecordHandling, type TopicConsumerSettings } from '../src/index.ts';

const logger = pino({ level: 'silent' });
const runId = randomUUID().slice(0, 8);
const names: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-tc-${runId}.${id}`])) as TopicNames;
let runtime: KafkaRuntime;
const consumers: TopicConsumer<'dispatchOffers'>[] = [];

const revoked = (bookingId: string, driverId = 'd-1'): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 2,
  occurred_at: new Date().toISOString(),
  data: { booking_id: bookingId, driver_id: driverId, reason: 'accepted' },
});
const publish = (...bookingIds: string[]) =>
  runtime.publisher.publish(bookingIds.map((id) => ({ topic: 'dispatchOffers', key: `d-${id}`, message: revoked(id, `d-${id}`) })));

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function consumer(
  options: Omit<TopicConsumerSettings<'dispatchOffers'>, 'runtime' | 'topics' | 'logger'> & RecordHandling<'dispatchOffers'>,
  on: KafkaRuntime = runtime,
) {
  const made = new TopicConsumer({ runtime: on, topics: ['dispatchOffers'], logger, fetch: { maxWaitMs: 200 }, ...options });
  consumers.push(made);
  return made;
}

beforeAll(async () => {
  runtime = await startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-tc-${runId}`,
    topics: names,
    topicPartitions: 3,
    replicationFactor: 1,
    logger,
  });
});

afterAll(async () => {
  for (const made of consumers) await made.stop().catch(() => {});
  await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  await runtime?.close();
});

describe('a replay consumer', () => {
  it('replays from the beginning, is caught up once it has read what was there at start, skips what it cannot decode or handle, and deletes its group on stop', async () => {
    await publish('r-1', 'r-2', 'r-3', 'boom');
    await runtime.publisher.sendRaw([{ topic: names.dispatchOffers, key: 'd-r-1', value: 'not json' }]);
    await publish('r-4');
    const seen: { id: string; caughtUp: boolean }[] = [];
    const skipped: string[] = [];
    const groupId = `test-tc-${runId}-replay-${randomUUID()}`;
    const replay: TopicConsumer<'dispatchOffers'> = consumer({
      groupId,
      mode: { kind: 'replay' },
      undecodable: 'skip',
      onUndecodable: (_at, reason) => void skipped.push(reason),
      handle: (record) => {
        if (record.message.data.booking_id === 'boom') throw new Error('a bug in one record');
        seen.push({ id: record.message.data.booking_id, caughtUp: replay.caughtUp });
      },
    });
    expect(replay.caughtUp).toBe(false);
    await replay.start();
    await replay.whenCaughtUp();
    expect(replay.replaying).toEqual([]);
    expect(seen.map((s) => s.id).sort()).toEqual(['r-1', 'r-2', 'r-3', 'r-4']);
    expect(seen.every((s) => !s.caughtUp)).toBe(true);
    expect(skipped).toEqual(['record value is not JSON']);
    await until('live', () => replay.live);

    await publish('r-5');
    await until('a record after the replay', () => seen.some((s) => s.id === 'r-5'));
    expect(seen.find((s) => s.id === 'r-5')?.caughtUp).toBe(true);
    await until('lag measured', () => replay.lag.partitions.length === 3);

    await replay.stop();
    expect(replay.live).toBe(false);
    const { groups } = await runtime.admin.listGroups();
    expect(groups.map((g) => g.groupId)).not.toContain(groupId);
    // Skipped, not parked.
    const deadLetterEnds = await runtime.admin.fetchTopicOffsets(names.deadLetter);
    expect(deadLetterEnds.every((end) => end.high === '0')).toBe(true);
  });

  it('starts at a timestamp when asked: nothing older is read, and it is caught up at once when nothing newer exists', async () => {
    const tsNames = { ...names, dispatchOffers: `test-tc-${runId}-ts.dispatchOffers` };
    await runtime.admin.createTopics({ topics: [{ topic: tsNames.dispatchOffers, numPartitions: 2 }], waitForLeaders: true });
    const tsRuntime = { ...runtime, topics: tsNames };
    await tsRuntime.publisher.sendRaw([{ topic: tsNames.dispatchOffers, key: 'd-old', value: JSON.stringify(revoked('old')) }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const from = Date.now();
    const seen: string[] = [];
    const replay = consumer(
      {
        groupId: `test-tc-${runId}-ts-${randomUUID()}`,
        mode: { kind: 'replay', fromTimestampMs: from },
        undecodable: 'skip',
        handle: (record) => void seen.push(record.message.data.booking_id),
      },
      tsRuntime,
    );
    await replay.start();
    expect(replay.caughtUp).toBe(true);
    await tsRuntime.publisher.sendRaw([{ topic: tsNames.dispatchOffers, key: 'd-new', value: JSON.stringify(revoked('new')) }]);
    await until('the new record', () => seen.includes('new'));
    expect(seen).toEqual(['new']);
    await replay.stop();
    await runtime.admin.deleteTopics({ topics: [tsNames.dispatchOffers] }).catch(() => {});
  });
});

describe('a shared consumer', () => {
  it('tells its assignment by topic, retries a record whose handler failed, and goes on from its committed offsets after a restart', async () => {
    const groupId = `test-tc-${runId}-shared-${randomUUID()}`;
    const received: ConsumedRecord<'dispatchOffers'>[] = [];
    const assignments: ReadonlyMap<'dispatchOffers', ReadonlySet<number>>[] = [];
    let revocations = 0;
    let failures = 0;
    const options = {
      groupId,
      mode: { kind: 'shared' },
      undecodable: 'park',
      handle: async (record: ConsumedRecord<'dispatchOffers'>) => {
        if (record.message.data.booking_id === 'flaky' && failures++ === 0) throw new Error('the database is away');
        received.push(record);
      },
    } as const;
    const first = consumer({ ...options, onAssigned: (a) => void assignments.push(a), onRevoked: () => void revocations++ });
    await first.start();
    await until('assigned', () => assignments.length === 1 && first.live);
    expect([...assignments[0]!.keys()]).toEqual(['dispatchOffers']);
    expect([...assignments[0]!.get('dispatchOffers')!].sort()).toEqual([0, 1, 2]);

    const before = received.length;
    await publish('flaky');
    await until('the failed record handled on its retry', () => received.slice(before).some((r) => r.message.data.booking_id === 'flaky'));
    expect(failures).toBe(2);
    await first.stop();
    expect(revocations).toBeGreaterThan(0);

    await publish('after-restart');
    const second = consumer(options);
    const from = received.length;
    await second.start();
    await until('the record published while stopped', () => received.slice(from).some((r) => r.message.data.booking_id === 'after-restart'));
    // Committed offsets: what the first one handled is not read again.
    expect(received.slice(from).map((r) => r.message.data.booking_id)).toEqual(['after-restart']);
    await second.stop();
  });
});

describe('a consumer handling runs of records', () => {
  it('hands over consecutive records in order, parks an undecodable one between runs, and retries a failed run whole', async () => {
    const runNames = { ...names, dispatchOffers: `test-tc-${runId}-runs.dispatchOffers` };
    await runtime.admin.createTopics({ topics: [{ topic: runNames.dispatchOffers, numPartitions: 1 }], waitForLeaders: true });
    const runRuntime = { ...runtime, topics: runNames };
    const send = (value: string) => runRuntime.publisher.sendRaw([{ topic: runNames.dispatchOffers, key: 'd-runs', value }]);
    for (const id of ['a-1', 'a-2']) await send(JSON.stringify(revoked(id)));
    await send('not json');
    for (const id of ['a-3', 'flaky', 'a-4']) await send(JSON.stringify(revoked(id)));
    // What happened, in order: the runs stored, and where the undecodable record fell.
    const log: string[] = [];
    let failures = 0;
    const made = consumer(
      {
        groupId: `test-tc-${runId}-runs-${randomUUID()}`,
        mode: { kind: 'shared' },
        undecodable: 'park',
        onUndecodable: () => void log.push('undecodable'),
        handleRun: async (records) => {
          const ids = records.map((r) => r.message.data.booking_id);
          if (ids.includes('flaky') && failures++ === 0) throw new Error('the database is away');
          log.push(...ids);
        },
      },
      runRuntime,
    );
    const deadLetters = async () => (await runtime.admin.fetchTopicOffsets(names.deadLetter)).reduce((sum, end) => sum + Number(end.high), 0);
    const parkedBefore = await deadLetters();
    await made.start();
    await until('every record', () => log.includes('a-4'));
    expect(log).toEqual(['a-1', 'a-2', 'undecodable', 'a-3', 'flaky', 'a-4']);
    expect(failures).toBe(2); // the failed call and its retry
    expect(await deadLetters()).toBe(parkedBefore + 1);
    await made.stop();
    await runtime.admin.deleteTopics({ topics: [runNames.dispatchOffers] }).catch(() => {});
  });
});

describe('a consumer handling partitions concurrently', () => {
  it("hands over the first runs of a fetch's partitions in one turn of the event loop, and one by one without it", async () => {
    // Enough keys that every partition holds records before either consumer fetches. The topic
    // of the other tests: a topic made just now may answer a send "does not host this topic-partition".
    const ids = Array.from({ length: 30 }, (_, i) => `cc-${i}`);
    await publish(...ids);
    const partitionsOfFirstTurn = async (partitionsConcurrently: number | undefined) => {
      // A turn ends at the setImmediate its first run schedules: the check phase of the loop.
      const turns: number[][] = [];
      let open: number[] | undefined;
      const handled = new Set<string>();
      const made = consumer({
        groupId: `test-tc-${runId}-cc-${randomUUID()}`,
        mode: { kind: 'shared' },
        undecodable: 'park',
        ...(partitionsConcurrently !== undefined ? { partitionsConcurrently } : {}),
        handleRun: async (records) => {
          if (open === undefined) {
            const turn: number[] = [];
            open = turn;
            turns.push(turn);
            setImmediate(() => (open = undefined));
          }
          open.push(records[0]!.partition);
          for (const record of records) handled.add(record.message.data.booking_id);
          // As a database statement would, so that a partition handled after another waits for it.
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      await made.start();
      await until('every record', () => ids.every((id) => handled.has(id)));
      await made.stop();
      return turns[0]!.sort();
    };
    expect(await partitionsOfFirstTurn(3)).toEqual([0, 1, 2]);
    expect((await partitionsOfFirstTurn(undefined)).length).toBe(1);
  });
});

describe('a shared consumer committing periodically', () => {
  it('commits nothing before its interval has passed, everything it handled on stop, and commits on its way once the interval passes', async () => {
    const groupId = `test-tc-${runId}-periodic-${randomUUID()}`;
    const seen: string[] = [];
    const options = {
      groupId,
      mode: { kind: 'shared' },
      undecodable: 'park',
      handle: (record: ConsumedRecord<'dispatchOffers'>) => void seen.push(record.message.data.booking_id),
    } as const;
    const committed = async () =>
      (await runtime.admin.fetchOffsets({ groupId, topics: [names.dispatchOffers] }))[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const ends = async () => (await runtime.admin.fetchTopicOffsets(names.dispatchOffers)).reduce((sum, end) => sum + Number(end.high), 0);

    const first = consumer({ ...options, commitEveryMs: 600_000 });
    await first.start();
    await until('live', () => first.live);
    for (const id of ['p-1', 'p-2', 'p-3']) await publish(id); // three batches, each of which kafkajs would commit
    await until('handled', () => ['p-1', 'p-2', 'p-3'].every((id) => seen.includes(id)));
    expect(await committed()).toBe(0);
    await first.stop();
    expect(await committed()).toBe(await ends());

    const second = consumer({ ...options, commitEveryMs: 100 });
    const from = seen.length;
    await second.start();
    await publish('p-4');
    await until('p-4 handled', () => seen.includes('p-4'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await publish('p-5'); // its batch ends after the interval: the commit goes with it
    await until('p-5 handled', () => seen.includes('p-5'));
    const deadline = Date.now() + 10_000;
    while ((await committed()) !== (await ends()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await committed()).toBe(await ends());
    // What the first one handled and committed on stop is not read again.
    expect(seen.slice(from)).toEqual(['p-4', 'p-5']);
    await second.stop();
  });
});
