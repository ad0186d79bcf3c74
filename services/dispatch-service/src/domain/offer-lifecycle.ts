import type { OfferRevocationReason } from '@rideline/contracts';
import type { NearbyDriver } from './geo-index.ts';
import { planOfferRound, type BookingToMatch, type EligibleDriverFinder, type MatchingOptions } from './matching.ts';

/** Why an offer is withdrawn: the contract's `OfferRevoked.reason`. */
export type RevocationReason = OfferRevocationReason;

/** What the adapters should do: publish `BookingOffered` / `OfferRevoked` on dispatch.offers. */
export type OfferDecision =
  | { readonly type: 'Offer'; readonly bookingId: string; readonly driverId: string; readonly distanceM: number; readonly round: number }
  | { readonly type: 'Revoke'; readonly bookingId: string; readonly driverId: string; readonly reason: RevocationReason };

export interface OfferRound {
  readonly round: number;
  readonly startedAtMs: number;
  /** The radius that found the drivers; null when nobody eligible was found. */
  readonly radiusM: number | null;
  readonly drivers: readonly NearbyDriver[];
}

export interface BookingToOffer extends BookingToMatch {
  /** No round starts at or after this (the booking's `expires_at`); omitted for no limit. */
  readonly expiresAtMs?: number;
}

export interface BookingOffers {
  readonly booking: BookingToOffer;
  /** `open` while offers go out; otherwise why they stopped. */
  readonly status: 'open' | RevocationReason;
  readonly rounds: readonly OfferRound[];
  /** Every driver offered this booking, in the order offered. */
  readonly offeredDriverIds: readonly string[];
  readonly acceptedBy: string | null;
  /** When the next round is due (arm a timer for it); null once no round will follow. */
  readonly nextRoundAtMs: number | null;
}

export interface OfferPolicy extends Omit<MatchingOptions, 'excludeDriverIds'> {
  /** How long a round waits for an answer before the next one widens the audience (default 15 s). */
  readonly offerWindowMs?: number;
  /** No more rounds than this (default: until the booking expires). */
  readonly maxRounds?: number;
}

export interface OfferTransition {
  readonly state: BookingOffers;
  readonly decisions: readonly OfferDecision[];
}

export const DEFAULT_OFFER_WINDOW_MS = 15_000;

/**
 * The offers of one booking as a pure state machine: every function returns the next state and
 * the decisions to carry out, and never does them. Offers stay open across rounds, so each round
 * adds drivers not offered before; when the booking is taken, cancelled or expires, everyone
 * offered (but the driver who took it) is revoked. A closed machine ignores further inputs.
 */
export function startOffers(booking: BookingToOffer, finder: EligibleDriverFinder, nowMs: number, policy: OfferPolicy = {}): OfferTransition {
  const initial: BookingOffers = { booking, status: 'open', rounds: [], offeredDriverIds: [], acceptedBy: null, nextRoundAtMs: nowMs };
  return onOfferWindowElapsed(initial, finder, nowMs, policy);
}

/** The next round, if one is due: the nearest eligible drivers not offered yet. */
export function onOfferWindowElapsed(state: BookingOffers, finder: EligibleDriverFinder, nowMs: number, policy: OfferPolicy = {}): OfferTransition {
  if (state.status !== 'open' || state.nextRoundAtMs === null || nowMs < state.nextRoundAtMs) return { state, decisions: [] };
  const expiresAtMs = state.booking.expiresAtMs ?? Number.POSITIVE_INFINITY;
  if (nowMs >= expiresAtMs) return { state: { ...state, nextRoundAtMs: null }, decisions: [] };
  const round = state.rounds.length + 1;
  const planned = planOfferRound(state.booking, finder, nowMs, { ...policy, excludeDriverIds: new Set(state.offeredDriverIds) });
  const nextAt = nowMs + (policy.offerWindowMs ?? DEFAULT_OFFER_WINDOW_MS);
  const isLast = round >= (policy.maxRounds ?? Number.POSITIVE_INFINITY) || nextAt >= expiresAtMs;
  const next: BookingOffers = {
    ...state,
    rounds: [...state.rounds, { round, startedAtMs: nowMs, radiusM: planned.radiusM, drivers: planned.drivers }],
    offeredDriverIds: [...state.offeredDriverIds, ...planned.drivers.map((d) => d.driverId)],
    nextRoundAtMs: isLast ? null : nextAt,
  };
  const bookingId = state.booking.bookingId;
  return { state: next, decisions: planned.drivers.map((d) => ({ type: 'Offer', bookingId, driverId: d.driverId, distanceM: d.distanceM, round })) };
}

export function onBookingAccepted(state: BookingOffers, driverId: string): OfferTransition {
  if (state.status !== 'open') return { state, decisions: [] };
  return close({ ...state, acceptedBy: driverId }, 'accepted', driverId);
}

export function onBookingCancelled(state: BookingOffers): OfferTransition {
  return close(state, 'cancelled', null);
}

export function onBookingExpired(state: BookingOffers): OfferTransition {
  return close(state, 'expired', null);
}

function close(state: BookingOffers, reason: RevocationReason, keep: string | null): OfferTransition {
  if (state.status !== 'open') return { state, decisions: [] };
  const bookingId = state.booking.bookingId;
  const decisions: OfferDecision[] = state.offeredDriverIds
    .filter((driverId) => driverId !== keep)
    .map((driverId) => ({ type: 'Revoke', bookingId, driverId, reason }));
  return { state: { ...state, status: reason, nextRoundAtMs: null }, decisions };
}
