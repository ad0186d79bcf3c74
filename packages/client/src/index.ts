export * from './socket/index.ts';
