import { EventEmitter } from 'node:events';
import kafkajs, { type Consumer, type ConsumerRunConfig } from 'kafkajs';
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
});
