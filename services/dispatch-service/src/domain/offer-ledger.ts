import type { Place } from '@rideline/contracts';
import type { EligibleDriverFinder } from './matching.ts';
import {
  DEFAULT_OFFER_WINDOW_MS,
  onOfferWindowElapsed,
  type OfferDecision,
  type OfferPolicy,
  type OpenBookingRounds,
  type RevocationReason,
} from './offer-rounds.ts';

/** A booking as dispatch needs it to offer it: BookingRequested, with times in ms. */
export interface RequestedBooking {
  readonly bookingId: string;
  readonly pickup: Place;
  readonly dropoff: Place;
  readonly estimatedCost: number;
  readonly requestedAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * What the log says about a booking's offers. `partition` is the booking.events partition the booking
 * lives in: the instance that owns that partition acts for the booking.
 */
export type LedgerFact =
  | { readonly type: 'BookingRequested'; readonly booking: RequestedBooking; readonly partition: number }
  | {
      readonly type: 'BookingClosed';
      readonly bookingId: string;
      readonly reason: RevocationReason;
      readonly acceptedBy: string | null;
      readonly partition: number;
    }
  | { readonly type: 'OfferPublished'; readonly bookingId: string; readonly driverId: string; readonly distanceM: number; readonly offeredAtMs: number }
  | { readonly type: 'RevocationPublished'; readonly bookingId: string; readonly driverId: string; readonly reason: RevocationReason };

/** A decision not yet on dispatch.offers, with everything its record needs. */
export type PendingMessage =
  | { readonly type: 'Offer'; readonly booking: RequestedBooking; readonly driverId: string; readonly distanceM: number; readonly offeredAtMs: number }
  | { readonly type: 'Revoke'; readonly bookingId: string; readonly driverId: string; readonly reason: RevocationReason };

interface OfferEntry {
  readonly distanceM: number;
  readonly offeredAtMs: number;
  published: boolean;
}

interface LedgerEntry {
  booking: RequestedBooking | null;
  partition: number | null;
  closed: { readonly reason: RevocationReason; readonly acceptedBy: string | null } | null;
  /** Every driver offered the booking, in the order offered. */
  readonly offers: Map<string, OfferEntry>;
  readonly revocations: Map<string, { readonly reason: RevocationReason; published: boolean }>;
  /** Start times of the rounds, ascending: those of the offers in the log, and this process's empty ones. */
  readonly roundTimes: number[];
}

export interface LedgerSnapshot {
  readonly bookingId: string;
  readonly requested: boolean;
  readonly partition: number | null;
  readonly status: 'open' | RevocationReason;
  readonly offered: readonly { readonly driverId: string; readonly offeredAtMs: number; readonly published: boolean }[];
  readonly revoked: readonly { readonly driverId: string; readonly reason: RevocationReason; readonly published: boolean }[];
}

/**
 * Every booking's offers, folded from the log (booking.events and dispatch.offers, in any
 * interleaving: each fact is idempotent and order-free across the two topics) plus this
 * process's own decisions until they are published. What is still owed is always computed from
 * it (`decide`), never remembered: so a restart, a replay or a change of owner re-derives exactly
 * the decisions nobody has published yet, and a decision already on the log is never made again.
 */
export class OfferLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  apply(fact: LedgerFact): void {
    switch (fact.type) {
      case 'BookingRequested': {
        const entry = this.entryOf(fact.booking.bookingId);
        entry.booking ??= fact.booking;
        entry.partition = fact.partition;
        return;
      }
      case 'BookingClosed': {
        const entry = this.entryOf(fact.bookingId);
        entry.partition = fact.partition;
        entry.closed ??= { reason: fact.reason, acceptedBy: fact.acceptedBy };
        return;
      }
      case 'OfferPublished': {
        const entry = this.entryOf(fact.bookingId);
        const held = entry.offers.get(fact.driverId);
        if (held) held.published = true;
        else entry.offers.set(fact.driverId, { distanceM: fact.distanceM, offeredAtMs: fact.offeredAtMs, published: true });
        addRoundTime(entry, held?.offeredAtMs ?? fact.offeredAtMs);
        return;
      }
      case 'RevocationPublished': {
        const entry = this.entryOf(fact.bookingId);
        const held = entry.revocations.get(fact.driverId);
        if (held) held.published = true;
        else entry.revocations.set(fact.driverId, { reason: fact.reason, published: true });
        return;
      }
      default:
        assertNever(fact);
    }
  }

  /**
   * Works out what is owed now and records it as pending: for a closed booking, the revocation
   * of every driver offered it but the one who took it; for an open one, the next round if it is
   * due (`onOfferWindowElapsed` plans it). Returns the new decisions.
   */
  decide(bookingId: string, finder: EligibleDriverFinder, nowMs: number, policy: OfferPolicy = {}): OfferDecision[] {
    const entry = this.entries.get(bookingId);
    if (!entry) return [];
    if (entry.closed) return this.close(entry, bookingId, entry.closed.reason, entry.closed.acceptedBy);
    if (!entry.booking) return [];
    const state = projection(entry, entry.booking, nowMs, policy);
    const { state: next, decisions } = onOfferWindowElapsed(state, finder, nowMs, policy);
    if (next.rounds.length > state.rounds.length) addRoundTime(entry, nowMs);
    for (const decision of decisions) {
      if (decision.type === 'Offer') entry.offers.set(decision.driverId, { distanceM: decision.distanceM, offeredAtMs: nowMs, published: false });
    }
    return [...decisions];
  }

  /** Decisions made but not yet seen published, in the order to publish them. */
  pending(bookingId: string): PendingMessage[] {
    const entry = this.entries.get(bookingId);
    if (!entry) return [];
    const pending: PendingMessage[] = [];
    const booking = entry.booking;
    if (booking && !entry.closed) {
      for (const [driverId, offer] of entry.offers) {
        if (!offer.published) pending.push({ type: 'Offer', booking, driverId, distanceM: offer.distanceM, offeredAtMs: offer.offeredAtMs });
      }
    }
    for (const [driverId, revocation] of entry.revocations) {
      if (!revocation.published) pending.push({ type: 'Revoke', bookingId, driverId, reason: revocation.reason });
    }
    return pending;
  }

  markPublished(messages: readonly PendingMessage[]): void {
    for (const message of messages) {
      const bookingId = message.type === 'Offer' ? message.booking.bookingId : message.bookingId;
      const entry = this.entries.get(bookingId);
      const held = message.type === 'Offer' ? entry?.offers.get(message.driverId) : entry?.revocations.get(message.driverId);
      if (held) held.published = true;
    }
  }

  /** When the next round of an open booking is due (possibly already); null when none will be any more. */
  nextRoundAtMs(bookingId: string, nowMs: number, policy: OfferPolicy = {}): number | null {
    const entry = this.entries.get(bookingId);
    if (!entry?.booking || entry.closed || nowMs >= entry.booking.expiresAtMs) return null;
    const state = projection(entry, entry.booking, nowMs, policy);
    const next = state.nextRoundAtMs;
    if (next === null || next >= entry.booking.expiresAtMs) return null;
    return next;
  }

  partitionOf(bookingId: string): number | null {
    return this.entries.get(bookingId)?.partition ?? null;
  }

  /** The bookings living in the given booking.events partitions. */
  bookingsIn(partitions: ReadonlySet<number>): string[] {
    return [...this.entries].filter(([, entry]) => entry.partition !== null && partitions.has(entry.partition)).map(([id]) => id);
  }

  /**
   * Forgets bookings nothing more can happen to: `retentionMs` past their expiry and their last
   * round, with nothing pending. Returns their ids.
   */
  prune(nowMs: number, retentionMs: number): string[] {
    const pruned: string[] = [];
    for (const [bookingId, entry] of this.entries) {
      const horizon = Math.max(entry.booking?.expiresAtMs ?? Number.NEGATIVE_INFINITY, entry.roundTimes.at(-1) ?? Number.NEGATIVE_INFINITY);
      if (horizon + retentionMs < nowMs && this.pending(bookingId).length === 0) {
        this.entries.delete(bookingId);
        pruned.push(bookingId);
      }
    }
    return pruned;
  }

  get size(): number {
    return this.entries.size;
  }

  get openCount(): number {
    let open = 0;
    for (const entry of this.entries.values()) if (entry.booking && !entry.closed) open++;
    return open;
  }

  /** What the ledger holds of a booking, comparable across processes (tests, debugging). */
  snapshot(bookingId: string): LedgerSnapshot | undefined {
    const entry = this.entries.get(bookingId);
    if (!entry) return undefined;
    return {
      bookingId,
      requested: entry.booking !== null,
      partition: entry.partition,
      status: entry.closed?.reason ?? 'open',
      // In a canonical order: the log's order across partitions is not the order decided in.
      offered: [...entry.offers]
        .map(([driverId, o]) => ({ driverId, offeredAtMs: o.offeredAtMs, published: o.published }))
        .sort((a, b) => a.offeredAtMs - b.offeredAtMs || a.driverId.localeCompare(b.driverId)),
      revoked: [...entry.revocations]
        .map(([driverId, r]) => ({ driverId, reason: r.reason, published: r.published }))
        .sort((a, b) => a.driverId.localeCompare(b.driverId)),
    };
  }

  /** Closing a booking: every driver offered it, but the one who took it, is revoked (once). */
  private close(entry: LedgerEntry, bookingId: string, reason: RevocationReason, keep: string | null): OfferDecision[] {
    // An offer planned but never published is simply not sent: nobody has it to revoke.
    for (const [driverId, offer] of entry.offers) if (!offer.published) entry.offers.delete(driverId);
    const decisions: OfferDecision[] = [];
    for (const driverId of entry.offers.keys()) {
      if (driverId === keep || entry.revocations.has(driverId)) continue;
      entry.revocations.set(driverId, { reason, published: false });
      decisions.push({ type: 'Revoke', bookingId, driverId, reason });
    }
    return decisions;
  }

  private entryOf(bookingId: string): LedgerEntry {
    let entry = this.entries.get(bookingId);
    if (!entry) {
      entry = { booking: null, partition: null, closed: null, offers: new Map(), revocations: new Map(), roundTimes: [] };
      this.entries.set(bookingId, entry);
    }
    return entry;
  }
}

/**
 * The open booking as `onOfferWindowElapsed` sees it: one round per distinct offer time. The first
 * round is due when the booking was requested, or now if that is (by another clock) still ahead.
 */
function projection(entry: LedgerEntry, booking: RequestedBooking, nowMs: number, policy: OfferPolicy): OpenBookingRounds {
  const rounds = entry.roundTimes.map((startedAtMs, index) => ({
    round: index + 1,
    startedAtMs,
    radiusM: null,
    drivers: [...entry.offers].filter(([, offer]) => offer.offeredAtMs === startedAtMs).map(([driverId, offer]) => ({ driverId, distanceM: offer.distanceM })),
  }));
  const last = entry.roundTimes.at(-1);
  return {
    booking: { bookingId: booking.bookingId, pickup: booking.pickup, expiresAtMs: booking.expiresAtMs },
    rounds,
    offeredDriverIds: [...entry.offers.keys()],
    nextRoundAtMs: last === undefined ? Math.min(booking.requestedAtMs, nowMs) : last + (policy.offerWindowMs ?? DEFAULT_OFFER_WINDOW_MS),
  };
}

function addRoundTime(entry: LedgerEntry, atMs: number): void {
  if (entry.roundTimes.includes(atMs)) return;
  entry.roundTimes.push(atMs);
  entry.roundTimes.sort((a, b) => a - b);
}

function assertNever(value: never): never {
  throw new Error(`unhandled ledger fact: ${JSON.stringify(value)}`);
}
