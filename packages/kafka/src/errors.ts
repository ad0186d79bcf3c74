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
