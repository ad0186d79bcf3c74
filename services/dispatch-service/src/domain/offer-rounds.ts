import type { OfferRevocationReason } from '@rideline/contracts';
import type { NearbyDriver } from './geo-index.ts';
import { planOfferRound, type BookingToMatch, type EligibleDriverFinder, type MatchingOptions } from './matching.ts';

/** Why an offer is withdrawn: the contract's `OfferRevoked.reason`. */
export type RevocationReason = OfferRevocationReason;

/** What the adapters should do: publish `BookingOffered` / `OfferRevoked` on dispatch.offers. */
export type OfferDecision =
  | { readonly type: 'Offer'; readonly bookingId: string; readonly driverId: string; readonly distanceM: number; readonly round: number }
  | { readonly type: 'Revoke'; readonly bookingId: string; readonly driverId: string; readonly reason: RevocationReason };

interface OfferRound {
  readonly round: number;
  readonly startedAtMs: number;
  /** The radius that found the drivers; null when nobody eligible was found (or, rebuilt from the log, not known). */
  readonly radiusM: number | null;
  readonly drivers: readonly NearbyDriver[];
}

export interface BookingToOffer extends BookingToMatch {
  /** No round starts at or after this (the booking's `expires_at`); omitted for no limit. */
  readonly expiresAtMs?: number;
}

/** The rounds of an open booking so far (the `OfferLedger` derives them from the log). */
export interface OpenBookingRounds {
  readonly booking: BookingToOffer;
  readonly rounds: readonly OfferRound[];
  /** Every driver offered this booking, in the order offered. */
  readonly offeredDriverIds: readonly string[];
  /** When the next round is due (arm a timer for it); null once no round will follow. */
  readonly nextRoundAtMs: number | null;
}

export interface OfferPolicy extends Omit<MatchingOptions, 'excludeDriverIds'> {
  /** How long a round waits for an answer before the next one widens the audience (default 15 s). */
  readonly offerWindowMs?: number;
}

export interface OfferTransition {
  readonly state: OpenBookingRounds;
  readonly decisions: readonly OfferDecision[];
}

export const DEFAULT_OFFER_WINDOW_MS = 15_000;

/**
 * The next round of an open booking, if one is due: the nearest eligible drivers not offered yet
 * (offers stay open across rounds, so each round adds drivers). Pure: returns the next state and
 * the offers to make, and never makes them. No round starts at or after the booking expires.
 * Closing a booking (revoking its offers) is the `OfferLedger`'s, which knows what the log holds.
 */
export function onOfferWindowElapsed(state: OpenBookingRounds, finder: EligibleDriverFinder, nowMs: number, policy: OfferPolicy = {}): OfferTransition {
  if (state.nextRoundAtMs === null || nowMs < state.nextRoundAtMs) return { state, decisions: [] };
  const expiresAtMs = state.booking.expiresAtMs ?? Number.POSITIVE_INFINITY;
  if (nowMs >= expiresAtMs) return { state: { ...state, nextRoundAtMs: null }, decisions: [] };
  const round = state.rounds.length + 1;
  const planned = planOfferRound(state.booking, finder, nowMs, { ...policy, excludeDriverIds: new Set(state.offeredDriverIds) });
  const nextAt = nowMs + (policy.offerWindowMs ?? DEFAULT_OFFER_WINDOW_MS);
  const next: OpenBookingRounds = {
    ...state,
    rounds: [...state.rounds, { round, startedAtMs: nowMs, radiusM: planned.radiusM, drivers: planned.drivers }],
    offeredDriverIds: [...state.offeredDriverIds, ...planned.drivers.map((d) => d.driverId)],
    nextRoundAtMs: nextAt >= expiresAtMs ? null : nextAt,
  };
  const bookingId = state.booking.bookingId;
  return { state: next, decisions: planned.drivers.map((d) => ({ type: 'Offer', bookingId, driverId: d.driverId, distanceM: d.distanceM, round })) };
}
