import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startKafkaRuntime, type KafkaRuntime } from '../../src/index.ts';

/** A runtime on the test broker, on topics of the calling file's own, available inside its tests. */
export interface TestRuntime {
  readonly names: TopicNames;
  readonly runtime: KafkaRuntime;
}

/**
 * startKafkaRuntime as `beforeAll` of the calling file, on topics named `test-<label>-<run>.<id>`
 * with `topicPartitions` partitions; its `afterAll` deletes the topics and closes the runtime.
 */
export function useTestRuntime(label: string, topicPartitions: number): TestRuntime {
  const runId = randomUUID().slice(0, 8);
  const names = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-${label}-${runId}.${id}`])) as TopicNames;
  let runtime: KafkaRuntime | undefined;
  beforeAll(async () => {
    runtime = await startKafkaRuntime({
      brokers: testKafkaBrokers().split(','),
      clientId: `test-${label}-${runId}`,
      topics: names,
      topicPartitions,
      replicationFactor: 1,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
    await runtime?.close();
  });
  return {
    names,
    get runtime() {
      if (runtime === undefined) throw new Error('the runtime has not started (used outside a test?)');
      return runtime;
    },
  };
}
