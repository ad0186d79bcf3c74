import type { KafkaSaslMechanism } from '@rideline/config';
import type { Kafka as KafkaClient, LogEntry, SASLOptions } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.ts';
import type { Logger } from './logger.ts';
import { levelOfKafkajsError } from './kafkajs-error-levels.ts';

/** How a client proves who it is to the broker, and whether the connection is TLS. */
export interface KafkaSecurityOptions {
  /** `none`, or the SASL mechanism the broker's listener expects. */
  readonly saslMechanism?: KafkaSaslMechanism;
  readonly saslUsername?: string;
  readonly saslPassword?: string;
  /** TLS to the broker, verified against the system's certificate authorities. */
  readonly ssl?: boolean;
}

export interface KafkaClientOptions extends KafkaSecurityOptions {
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
 * connection errors say nothing an operator can act on, so they are dropped; the broker answers
 * it retries and that resolve themselves are not errors either (kafkajs-error-levels.ts).
 */
function logCreatorFor(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, stack: _stack, ...extra } = log;
      const entry = { kafka: namespace, ...extra };
      if (level === logLevel.ERROR) logger[levelOfKafkajsError(message, extra)](entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.info(entry, message);
      else logger.debug(entry, message);
    };
}

/** The SASL settings, checked together: a mechanism without its username and password is refused. */
function saslFor(options: KafkaSecurityOptions): SASLOptions | undefined {
  const mechanism = options.saslMechanism ?? 'none';
  if (mechanism === 'none') return undefined;
  const username = options.saslUsername ?? '';
  const password = options.saslPassword ?? '';
  if (username === '' || password === '') {
    throw new Error(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  }
  return { mechanism, username, password };
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const sasl = saslFor(options);
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    ...(sasl === undefined ? {} : { sasl }),
    ...(options.ssl ? { ssl: true } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(options.logger),
  });
}
