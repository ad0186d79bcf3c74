export * from './create-app.ts';
export * from './error-handler.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './run-service.ts';
export * from './listen.ts';
