import type { MessageTopicId, TopicMessage, TopicNames } from '@rideline/contracts';

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

/** An entry as the outbox table holds it: the topic's name in this deployment, the message as JSON. */
export interface OutboxRow {
  readonly topic: string;
  readonly key: string;
  readonly payload: OutboxEntry['message'];
}

export const outboxRow = (entry: OutboxEntry, names: TopicNames): OutboxRow => ({
  topic: names[entry.topic],
  key: entry.key,
  payload: entry.message,
});
