/** Start-up could not reach the broker: the message names the setting to fix, not a stack. */
export class KafkaUnreachableError extends Error {
  constructor(brokers: readonly string[], cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot reach Kafka at KAFKA_BROKERS=${brokers.join(',')}: ${why}`);
    this.name = 'KafkaUnreachableError';
  }
}
