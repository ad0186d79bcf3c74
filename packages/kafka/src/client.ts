import type { Kafka as KafkaClient, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.ts';
import type { Logger } from './logger.ts';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** How long one connection attempt may take. */
  readonly connectionTimeoutMs?: number;
  /** Retries of a failed request before kafkajs gives up (exponential backoff in between). */
  readonly retries?: number;
}

/**
 * kafkajs logs through our structured logger instead of printing its own lines. Its stacks of
 * connection errors say nothing an operator can act on, so they are dropped.
 */
function logCreatorFor(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, stack: _stack, ...extra } = log;
      const entry = { kafka: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.info(entry, message);
      else logger.debug(entry, message);
    };
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(options.logger),
  });
}
