export * from './service-process.ts';
export * from './startup-contract.ts';
