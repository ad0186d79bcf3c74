import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isTransientKafkaError, KafkaStartupError } from './errors.ts';

const { KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSError } = kafkajs;
// What kafkajs builds from the broker's error code 3 (its types only admit an Error).
const unknownTopic = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true }),
  );

describe('isTransientKafkaError', () => {
  it('sees a retriable broker answer under the retries-exceeded error kafkajs wraps it in', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(unknownTopic(), { retryCount: 5, retryTime: 3_000 });
    expect(exhausted.retriable).toBe(false);
    expect(isTransientKafkaError(exhausted)).toBe(true);
    expect(isTransientKafkaError(unknownTopic())).toBe(true);
  });

  it('does not retry what will not clear up: an unreachable broker, a closed connection, a refusal, a plain error', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(isTransientKafkaError(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 3_000 }))).toBe(false);
    expect(isTransientKafkaError(new KafkaJSNonRetriableError('Topic authorization failed'))).toBe(false);
    expect(isTransientKafkaError(new Error('boom'))).toBe(false);
    // Retriable for kafkajs, but what a SASL listener does to a client without credentials.
    expect(isTransientKafkaError(new KafkaJSError('Closed connection', { retriable: true }))).toBe(false);
    expect(isTransientKafkaError('boom')).toBe(false);
  });
});

describe('isTransientKafkaError on CreateTopics answers per topic', () => {
  const aggregate = (...errors: Error[]) => Object.assign(new Error('Topic creation errors'), { name: 'KafkaJSAggregateError', errors });
  const alreadyExists = () =>
    new KafkaJSProtocolError(Object.assign(new Error('Topic with this name already exists'), { type: 'TOPIC_ALREADY_EXISTS', code: 36, retriable: false }));

  it('is transient when every topic answered something that clears up, or that another service created it', () => {
    expect(isTransientKafkaError(aggregate(unknownTopic(), alreadyExists()))).toBe(true);
  });

  it('is not when one topic was refused for good', () => {
    expect(isTransientKafkaError(aggregate(unknownTopic(), new KafkaJSNonRetriableError('Topic authorization failed')))).toBe(false);
  });
});

describe('KafkaStartupError', () => {
  it('names KAFKA_BROKERS and says whether the broker answered', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(new KafkaStartupError(['127.0.0.1:9092'], refused).message).toMatch(/^Cannot reach Kafka at KAFKA_BROKERS=127\.0\.0\.1:9092/);
    expect(new KafkaStartupError(['127.0.0.1:9092'], unknownTopic()).message).toMatch(/answered, but start-up failed: This server does not host/);
  });
});
