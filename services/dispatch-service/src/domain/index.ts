/**
 * The pure domain of dispatch: where drivers are, who may be offered a booking, and the offers of
 * each booking. No I/O and no clock: the adapters feed facts and the time, and carry out decisions.
 */
export { distanceM, EARTH_RADIUS_M, type LatLng } from './geo.ts';
export { COARSE_CELL_SIZE_M, coarsePosition } from './coarse-position.ts';
export { GeoIndex, type GeoIndexOptions, type NearbyDriver, type NearestQuery } from './geo-index.ts';
export {
  DEFAULT_STALENESS_MS,
  DriverRegistry,
  type DriverFact,
  type DriverRegistryOptions,
  type DriverSnapshot,
  type NearbyQuery,
} from './driver-registry.ts';
export { factsFromBookingEvent, factsFromDriverStatus } from './driver-facts.ts';
export {
  DEFAULT_MAX_DRIVERS_PER_ROUND,
  DEFAULT_RADIUS_M,
  DEFAULT_WIDEN_STEPS_M,
  planOfferRound,
  searchRadii,
  type BookingToMatch,
  type EligibleDriverFinder,
  type MatchingOptions,
  type PlannedRound,
} from './matching.ts';
export {
  DEFAULT_OFFER_WINDOW_MS,
  onOfferWindowElapsed,
  type BookingToOffer,
  type OfferDecision,
  type OfferPolicy,
  type OfferRound,
  type OfferTransition,
  type OpenBookingRounds,
  type RevocationReason,
} from './offer-rounds.ts';
export {
  OfferLedger,
  type LedgerFact,
  type LedgerSnapshot,
  type PendingMessage,
  type RequestedBooking,
} from './offer-ledger.ts';
export { DispatchState, ledgerFactOfBookingEvent, ledgerFactOfOffer, type DispatchStateOptions, type Folded, type LogRecord } from './dispatch-state.ts';
