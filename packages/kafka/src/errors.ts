/** Start-up could not use the broker: the message names the setting to fix, not a stack. */
export class KafkaStartupError extends Error {
  constructor(brokers: readonly string[], cause: unknown) {
    const unreachable = isConnectionFailure(cause);
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      unreachable
        ? `Cannot reach Kafka at KAFKA_BROKERS=${brokers.join(',')}: ${why}`
        : `Kafka at KAFKA_BROKERS=${brokers.join(',')} answered, but start-up failed: ${why}`,
    );
    this.name = 'KafkaStartupError';
  }
}

/** kafkajs wraps the socket error in retry errors; look down the chain for a connection failure. */
function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === 'KafkaJSConnectionError' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH/.test(current.message)) {
      return true;
    }
    const next = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
    current = next;
  }
  return false;
}

/**
 * Broker answers about a topic that clear up by themselves: it was just created (by this client
 * or another) and the broker's metadata or its partitions' leaders are not there yet, or a busy
 * broker timed the request out. kafkajs' own `staleMetadata` lists the first three.
 */
const TRANSIENT_TOPIC_ANSWERS: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
]);
const TRANSIENT_CLIENT_ERRORS: ReadonlySet<string> = new Set(['KafkaJSTopicMetadataNotLoaded', 'KafkaJSMetadataNotLoaded']);

/**
 * Whether `error` is one of those answers (`TRANSIENT_TOPIC_ANSWERS`), even once kafkajs has run
 * out of its own retries: it wraps the answer in a non-retriable KafkaJSNumberOfRetriesExceeded,
 * so the chain is looked down. Anything else, retriable or not (a broker that closes the
 * connection on a client without credentials, an unreachable one), is not: start-up fails fast
 * on it, naming KAFKA_BROKERS.
 */
export function isTransientKafkaError(error: unknown): boolean {
  if (isConnectionFailure(error)) return false;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const { type } = current as Error & { type?: unknown };
    if ((typeof type === 'string' && TRANSIENT_TOPIC_ANSWERS.has(type)) || TRANSIENT_CLIENT_ERRORS.has(current.name)) return true;
    // CreateTopics answers per topic (KafkaJSAggregateError): transient when every answer is, or
    // says another service created the topic first.
    const { errors } = current as Error & { errors?: unknown };
    if (Array.isArray(errors) && errors.length > 0) {
      return errors.every((e) => (e as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS' || isTransientKafkaError(e));
    }
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return false;
}
