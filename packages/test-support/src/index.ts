export * from './service-process.ts';
export * from './startup-contract.ts';
export * from './process-cpu.ts';
export * from './metrics.ts';
export * from './topic-reader.ts';
