export * from './client.ts';
export * from './consumer.ts';
export * from './errors.ts';
export type { Logger } from './logger.ts';
export * from './publisher.ts';
export * from './readiness.ts';
export * from './topic-provisioning.ts';
export * from './kafka-runtime.ts';
export * from './key-partition.ts';
