import { EventEmitter } from 'node:events';
import kafkajs, { type Consumer, type ConsumerRunConfig, type EachBatchPayload } from 'kafkajs';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TopicConsumer, type TopicConsumerOptions } from './consumer.ts';
import { GROUP_TIMING } from './group-timing.ts';

// kafkajs' typings lag its runtime (2.2.4): both constructors take (error, { cause }).
type KafkaJSErrorClass = new (e: Error | string, metadata?: { readonly cause?: Error }) => Error;
const GroupCoordinatorNotFound = kafkajs.KafkaJSGroupCoordinatorNotFound as unknown as KafkaJSErrorClass;
const NonRetriableError = kafkajs.KafkaJSNonRetriableError as unknown as KafkaJSErrorClass;

/**
 * A kafkajs consumer reduced to what TopicConsumer uses of it: its events, which the test emits
 * as kafkajs would, and the runs it is asked for.
 */
function fakeKafkaConsumer() {
  const emitter = new EventEmitter();
  const events = Object.fromEntries(
    ['GROUP_JOIN', 'REBALANCING', 'CRASH', 'STOP', 'DISCONNECT', 'END_BATCH_PROCESS', 'REQUEST'].map((name) => [name, `consumer.${name.toLowerCase()}`]),
  );
  const runs: ConsumerRunConfig[] = [];
  const consumer = {
    events,
    on: (event: string, listener: (e: { payload: unknown }) => void) => emitter.on(event, listener),
    connect: async () => {},
    subscribe: async () => {},
    run: async (config: ConsumerRunConfig) => void runs.push(config),
    disconnect: async () => {},
  };
  const crash = (error: Error, restart: boolean) => emitter.emit(events['CRASH']!, { payload: { error, groupId: 'g', restart } });
  return { consumer: consumer as unknown as Consumer, runs, crash };
}

function shared(consumer: Consumer): TopicConsumerOptions<'dispatchOffers'> {
  return {
    runtime: {
      kafka: { consumer: () => consumer },
      requests: { watch: () => {} },
      topics: { dispatchOffers: 'dispatch.offers' },
    } as unknown as TopicConsumerOptions<'dispatchOffers'>['runtime'],
    groupId: 'g',
    topics: ['dispatchOffers'],
    mode: { kind: 'shared' },
    undecodable: 'park',
    commitEveryMs: 1_000,
    logger: pino({ level: 'silent' }),
    handleRun: async () => {},
  };
}

// What kafkajs 2.2.4 hands to CRASH when a re-join could not find the group coordinator: the
// runner's retrier wraps the lookup's KafkaJSGroupCoordinatorNotFound (retriable: false).
const lostCoordinator = () => {
  const cause = new GroupCoordinatorNotFound('Failed to find group coordinator');
  return new NonRetriableError(cause, { cause });
};

describe('TopicConsumer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses runs in a replay: a replay skips a failed record, and skipping a run would lose the rest of it', () => {
    const options = {
      // Never reached: the options are refused before any client is made.
      runtime: {} as TopicConsumerOptions<'dispatchOffers'>['runtime'],
      groupId: 'g',
      topics: ['dispatchOffers'],
      mode: { kind: 'replay' },
      undecodable: 'skip',
      logger: pino({ level: 'silent' }),
      handleRun: async () => {},
    } as const;
    expect(() => new TopicConsumer(options)).toThrow('handleRun is for shared groups');
  });

  it('runs the consumer again after kafkajs gave it up for a group coordinator it could not find (a broker restarting)', async () => {
    vi.useFakeTimers();
    const { consumer, runs, crash } = fakeKafkaConsumer();
    const made = new TopicConsumer(shared(consumer));
    await made.start();
    expect(runs).toHaveLength(1);

    crash(lostCoordinator(), false);
    await vi.advanceTimersByTimeAsync(GROUP_TIMING.retry.maxRetryTime);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toBe(runs[0]); // the same handlers and commit settings

    // A crash kafkajs restarts from by itself is left to it.
    crash(new Error('Connection error: connect ECONNREFUSED'), true);
    await vi.advanceTimersByTimeAsync(10 * GROUP_TIMING.retry.maxRetryTime);
    expect(runs).toHaveLength(2);
    await made.stop();
  });

  it('stays down after any other crash kafkajs does not restart from, and after stop', async () => {
    vi.useFakeTimers();
    const { consumer, runs, crash } = fakeKafkaConsumer();
    const made = new TopicConsumer(shared(consumer));
    await made.start();
    crash(new NonRetriableError(new TypeError('a bug')), false);
    await vi.advanceTimersByTimeAsync(10 * GROUP_TIMING.retry.maxRetryTime);
    expect(runs).toHaveLength(1);

    crash(lostCoordinator(), false);
    await made.stop();
    await vi.advanceTimersByTimeAsync(10 * GROUP_TIMING.retry.maxRetryTime);
    expect(runs).toHaveLength(1);
  });

  it('hands kafkajs the partitions to handle at once, and sends one commit for batches that end together', async () => {
    const { consumer, runs } = fakeKafkaConsumer();
    const made = new TopicConsumer({ ...shared(consumer), partitionsConcurrently: 6 });
    await made.start();
    expect(runs[0]?.partitionsConsumedConcurrently).toBe(6);

    let commits = 0;
    const value = Buffer.from(
      JSON.stringify({
        event_id: '6f1c1f0e-0000-4000-8000-000000000001',
        type: 'OfferRevoked',
        version: 2,
        occurred_at: '2026-11-30T10:00:00.000Z',
        data: { booking_id: 'b-1', driver_id: 'd-1', reason: 'accepted' },
      }),
    );
    const payload = (partition: number) =>
      ({
        batch: { topic: 'dispatch.offers', partition, messages: [{ offset: '0', key: null, value, headers: {} }] },
        resolveOffset: () => {},
        heartbeat: async () => {},
        isRunning: () => true,
        isStale: () => false,
        uncommittedOffsets: () => ({ topics: [] }),
        // As kafkajs': a commit is a request, and the time of the last one is noted once it is answered.
        commitOffsetsIfNecessary: async () => {
          commits++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      }) as unknown as EachBatchPayload;
    await Promise.all([0, 1, 2].map((partition) => runs[0]!.eachBatch!(payload(partition))));
    expect(commits).toBe(1);
    await made.stop();
  });

  it('refuses partitionsConcurrently in a replay', () => {
    const { consumer } = fakeKafkaConsumer();
    const options = {
      ...shared(consumer),
      mode: { kind: 'replay' },
      commitEveryMs: undefined,
      handleRun: undefined,
      handle: () => {},
      partitionsConcurrently: 2,
    } as const;
    expect(() => new TopicConsumer(options)).toThrow('partitionsConcurrently is for shared groups');
  });

  it('refuses a partitionsConcurrently that would start no worker', () => {
    const { consumer } = fakeKafkaConsumer();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new TopicConsumer({ ...shared(consumer), partitionsConcurrently: bad })).toThrow(
        'partitionsConcurrently must be a whole number of at least 1',
      );
    }
  });
});
