import { TOPIC_IDS, TOPICS, type TopicId, type TopicNames } from '@rideline/contracts';
import { boolean, hostPortList, integer, oneOf, originList, requiredInProduction, string, type Setting } from './settings.ts';

/** How a Kafka client may authenticate: `none`, or the SASL mechanism the broker's listener expects. */
export const KAFKA_SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** How every service reaches Kafka and lays out the topics it creates. */
export const kafkaSettings = {
  brokers: hostPortList('KAFKA_BROKERS', {
    default: ['127.0.0.1:9092'],
    description: 'Kafka bootstrap servers, comma-separated host:port',
  }),
  clientId: string('KAFKA_CLIENT_ID', {
    default: 'rideline',
    description: 'Prefix of the Kafka client id (the service name is appended)',
  }),
  topicPartitions: integer('KAFKA_TOPIC_PARTITIONS', {
    default: 6,
    min: 1,
    max: 1_000,
    description: 'Partitions of each topic created at start-up (existing topics are left as they are)',
  }),
  replicationFactor: integer('KAFKA_REPLICATION_FACTOR', {
    default: 1,
    min: 1,
    max: 10,
    description: 'Replication factor of each topic created at start-up',
  }),
  saslMechanism: oneOf('KAFKA_SASL_MECHANISM', KAFKA_SASL_MECHANISMS, {
    default: 'none',
    description: 'SASL mechanism to authenticate to the brokers with (none, plain, scram-sha-256, scram-sha-512)',
  }),
  saslUsername: string('KAFKA_SASL_USERNAME', {
    default: '',
    description: "This service's Kafka user (with KAFKA_SASL_MECHANISM)",
  }),
  saslPassword: string('KAFKA_SASL_PASSWORD', {
    default: '',
    description: "This service's Kafka password (with KAFKA_SASL_MECHANISM); never logged",
  }),
  readyMaxLag: integer('KAFKA_READY_MAX_LAG', {
    default: 10_000,
    min: 0,
    description:
      'A consumer more than this many records behind the end of a partition it reads makes /health/ready answer 503 naming `lag`, until it catches up',
  }),
  ssl: boolean('KAFKA_SSL', {
    default: false,
    description: "TLS to the brokers, verified against the system's certificate authorities",
  }),
};

/** One setting per topic of API.md, so operators can rename topics without code changes. */
export const topicSettings = Object.fromEntries(
  TOPIC_IDS.map((id) => [
    id,
    string(TOPICS[id].envVar, {
      default: TOPICS[id].defaultName,
      pattern: /^[A-Za-z0-9._-]{1,249}$/,
      description: `Name of the ${TOPICS[id].defaultName} topic (keyed by ${TOPICS[id].keyedBy})`,
    }),
  ]),
) as Record<TopicId, Setting<string>>;

/** How logs are written: see LOG_FORMAT. */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Settings every service shares, so each is named and documented once. */
export const commonSettings = {
  host: string('HOST', { default: '0.0.0.0', description: 'Address the HTTP server binds to' }),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description: 'Log level (pino)',
  }),
  logFormat: oneOf('LOG_FORMAT', LOG_FORMATS, {
    default: 'auto',
    description: 'pretty (readable lines), json (one JSON object a line, for log collectors) or auto: pretty when stdout is a terminal, json otherwise',
  }),
  shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', {
    default: 10_000,
    min: 0,
    description: 'How long a graceful shutdown may take before the process exits anyway',
  }),
  corsAllowedOrigins: requiredInProduction(
    originList('CORS_ALLOWED_ORIGINS', {
      description:
        'Web origins (comma-separated, e.g. https://app.example.com) whose browser pages may call the HTTP API; unset allows any origin outside production, and NODE_ENV=production requires it',
    }),
  ),
  kafka: kafkaSettings,
  topics: topicSettings,
};

export type { TopicNames };
