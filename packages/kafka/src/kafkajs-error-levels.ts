/**
 * Broker answers that kafkajs retries (or re-joins the group after) by itself and that clear up
 * on their own: a topic just created whose leader is still being elected, a group coordinator
 * still loading, metadata not yet propagated, a rebalance. A healthy first start meets several;
 * logged as errors they look like failures, so each attempt is logged at debug level. When one
 * persists, kafkajs gives up after its retries and that failure is logged (and surfaces in
 * readiness) as an error. The texts are kafkajs 2's (src/protocol/error.js), keyed there by the
 * Kafka error names below.
 */
const TRANSIENT_BROKER_ERRORS: ReadonlySet<string> = new Set([
  // UNKNOWN_TOPIC_OR_PARTITION
  'This server does not host this topic-partition',
  // LEADER_NOT_AVAILABLE
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  // NOT_LEADER_FOR_PARTITION
  'This server is not the leader for that topic-partition',
  // GROUP_LOAD_IN_PROGRESS
  "The coordinator is loading and hence can't process requests for this group",
  // GROUP_COORDINATOR_NOT_AVAILABLE
  'The group coordinator is not available',
  // NOT_COORDINATOR_FOR_GROUP
  'This is not the correct coordinator for this group',
  // FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH
  'The leader epoch in the request is older than the epoch on the broker',
  'The leader epoch in the request is newer than the epoch on the broker',
  // OFFSET_NOT_AVAILABLE
  'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing',
  // NOT_CONTROLLER
  'This is not the correct controller for this cluster',
  // REBALANCE_IN_PROGRESS: not retried but answered by re-joining the group (kafkajs logs that
  // as a warning); every member sees it whenever another one joins or leaves.
  'The group is rebalancing, so a rejoin is needed',
]);

/**
 * Lines kafkajs logs as errors while it heals by itself: a consumer restarting after a retriable
 * crash, and the connection it drops on the way (a request written to the socket being closed).
 * Warnings: worth seeing when they repeat, not failures. Our consumers log their own crash
 * warning, and readiness says when a feed is down.
 */
const SELF_HEALING = [
  /^Restarting the consumer in \d+ms$/,
  /^(Crash: KafkaJSConnectionError: )?Connection error: write after end$/,
  /^Crash: KafkaJSConnectionClosedError: Closed connection$/,
];

/**
 * The level of a line kafkajs logs at error level: debug for a broker answer that resolves
 * itself (logged as a response's `error`, or as a consumer crash caused by it), warn for
 * kafkajs healing itself, error otherwise.
 */
export function levelOfKafkajsError(message: string, entry: { readonly error?: unknown }): 'error' | 'warn' | 'debug' {
  if (typeof entry.error === 'string' && TRANSIENT_BROKER_ERRORS.has(entry.error)) return 'debug';
  // Services starting together race to create the same topics: the loser's CreateTopics answer
  // (TOPIC_ALREADY_EXISTS) is logged so, and ensureTopics accepts it; any other failure of
  // createTopics is thrown and fails the start.
  if (message.startsWith('Response CreateTopics') && entry.error === 'Topic creation errors') return 'debug';
  const crash = /^Crash: KafkaJS\w+: (.*)$/.exec(message);
  if (crash && TRANSIENT_BROKER_ERRORS.has(crash[1]!)) return 'debug';
  if (SELF_HEALING.some((pattern) => pattern.test(message))) return 'warn';
  return 'error';
}
