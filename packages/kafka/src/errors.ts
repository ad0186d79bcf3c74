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
 * A broker answer that clears up by itself (a topic another client has just created and whose
 * partitions have no leader yet, a request that timed out on a busy broker), even once kafkajs
 * has run out of its own retries: it wraps the retriable error in a non-retriable
 * KafkaJSNumberOfRetriesExceeded, so the chain is looked down. An unreachable broker is not
 * transient here: start-up fails fast on it, naming KAFKA_BROKERS.
 */
export function isTransientKafkaError(error: unknown): boolean {
  if (isConnectionFailure(error)) return false;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as Error & { retriable?: unknown }).retriable === true) return true;
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return false;
}
