export { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.ts';
export { systemClock, type Clock } from './clock.ts';
export { CLOSE_CODES, CLOSE_POLICY, closeRule, type CloseRule, type StopReason } from './close-policy.ts';
export type { Unsubscribe } from './emitter.ts';
export {
  AvailableBookingsSocket,
  availableBookingsSocket,
  driverBookingsSocket,
  riderSocket,
  SOCKET_PATHS,
  type AvailableBookingsMessage,
  type AvailableBookingsOptions,
  type DriverBookingsMessage,
  type RiderMessage,
} from './endpoints.ts';
export { DEFAULT_LOCATION_INTERVAL_MS, LocationThrottle } from './location-throttle.ts';
export { DEFAULT_MERGE_CAPACITY, MessageMerge } from './message-merge.ts';
export {
  SocketClient,
  type SocketClientOptions,
  type LifecycleEvents,
  type MessageEvents,
  type SocketEvents,
  type SocketState,
  type SocketWarning,
  type Stopped,
  type TokenSource,
} from './socket-client.ts';
export { refreshDueAt, tokenExpiresAt } from './token-expiry.ts';
export type {
  WebSocketCloseEventLike,
  WebSocketConstructor,
  WebSocketInit,
  WebSocketLike,
  WebSocketMessageEventLike,
} from './web-socket.ts';
