export * from './http/index.ts';
export * from './socket/index.ts';
