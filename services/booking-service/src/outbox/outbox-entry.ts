import type { MessageTopicId, TopicMessage, TopicNames } from '@rideline/contracts';
import { traceCarrier, type TraceCarrier } from '@rideline/telemetry';

interface TopicEntry<T extends MessageTopicId> {
  readonly topic: T;
  /** The record key: the aggregate id the topic is keyed by (API.md). */
  readonly key: string;
  /** The whole envelope, as it is published. */
  readonly message: TopicMessage<T>;
}

/**
 * A message to publish once its transaction commits: a topic of the contract and a message of
 * that topic's kind (one member per topic, so a message cannot be queued for the wrong one).
 */
export type OutboxEntry<T extends MessageTopicId = MessageTopicId> = { readonly [K in T]: TopicEntry<K> }[T];

/**
 * An entry as the outbox table holds it: the topic's name in this deployment, the message as
 * JSON, and the trace context it is written in (the request's span), which the relay sends on
 * in the record's headers so that the consumers' work joins the request's trace.
 */
export interface OutboxRow {
  readonly topic: string;
  readonly key: string;
  readonly payload: OutboxEntry['message'];
  /** Null when tracing is off or no span is active. */
  readonly traceContext: TraceCarrier | null;
}

export const outboxRow = (entry: OutboxEntry, names: TopicNames): OutboxRow => ({
  topic: names[entry.topic],
  key: entry.key,
  payload: entry.message,
  traceContext: traceCarrier() ?? null,
});
