export { createRidelineClient, type RidelineClient, type RidelineClientOptions } from './client.ts';
export type { ClientError, HttpFailure, NetworkFailure, Result } from './result.ts';
export type { Session } from './session.ts';
export type * from './api-types.ts';
