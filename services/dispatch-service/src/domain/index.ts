/**
 * The pure domain of dispatch: where drivers are, who may be offered a booking, and the offers of
 * each booking. No I/O and no clock: the adapters feed facts and the time, and carry out decisions.
 */
export { distanceM, type LatLng } from './geo.ts';
export { coarsePosition } from './coarse-position.ts';
export type { NearbyDriver } from './geo-index.ts';
export { DriverRegistry } from './driver-registry.ts';
export type { OfferPolicy } from './offer-rounds.ts';
export type { PendingMessage } from './offer-ledger.ts';
export { DispatchState, type Folded, type LogRecord } from './dispatch-state.ts';
