import type { Logger, OutgoingRecord } from '@rideline/kafka';
import type { Clock, TimerHandle } from '@rideline/service-kit';
import { inSpan } from '@rideline/telemetry';
import type { DispatchState, OfferPolicy, PendingMessage } from '../domain/index.ts';
import { KeyedQueue } from '../util/keyed-queue.ts';
import { offerRecord } from './offer-messages.ts';

export interface DispatcherOptions {
  readonly state: DispatchState;
  readonly publish: (records: readonly OutgoingRecord<'dispatchOffers'>[]) => Promise<void>;
  readonly policy: OfferPolicy;
  /** Whether this instance acts for the bookings of this booking.events partition. */
  readonly owns: (partition: number) => boolean;
  /** Its time and its round timers: tests move a ManualClock instead of waiting for windows. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onPublished?: (messages: readonly PendingMessage[]) => void;
  /** Wait before trying again after a failed publish. */
  readonly retryDelayMs?: number;
}

/**
 * Carries out the offers of the bookings this instance owns. It never remembers what it still
 * has to do: each time a booking is reviewed (a record about it, its round timer, a change of
 * owner) it asks the ledger what is owed now, publishes that, and arms the timer of the next
 * round. So acting is idempotent, and a review too many costs nothing. Per booking, one step runs
 * at a time; a failed publish is retried later, with the same event ids.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #queue = new KeyedQueue();
  readonly #timers = new Map<string, TimerHandle>();
  #active = false;
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** From now on, act: called once the state is complete. */
  activate(): void {
    this.#active = true;
  }

  get active(): boolean {
    return this.#active && !this.#stopped;
  }

  review(bookingId: string): void {
    if (!this.active) return;
    this.#queue
      .run(bookingId, () => this.#step(bookingId))
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error, bookingId }, 'could not work out the offers of a booking');
      });
  }

  /** Reviews every booking of these booking.events partitions (after an assignment). */
  reviewPartitions(partitions: ReadonlySet<number>): void {
    for (const bookingId of this.#options.state.offers.bookingsIn(partitions)) this.review(bookingId);
  }

  /** The ledger forgot these bookings. */
  forget(bookingIds: readonly string[]): void {
    for (const bookingId of bookingIds) this.#clearTimer(bookingId);
  }

  /** Stops acting and waits for the publishes under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const bookingId of [...this.#timers.keys()]) this.#clearTimer(bookingId);
    await this.#queue.drain();
  }

  async #step(bookingId: string): Promise<void> {
    if (!this.active) return;
    const { state, policy, logger } = this.#options;
    const partition = state.offers.partitionOf(bookingId);
    if (partition === null || !this.#options.owns(partition)) {
      this.#clearTimer(bookingId);
      return;
    }
    const now = this.#options.clock.now();
    state.offers.decide(bookingId, state.drivers, now, policy);
    const pending = state.offers.pending(bookingId);
    if (pending.length > 0) {
      try {
        // Traced when the poke came from a traced record (a booking's request, its round timer).
        await inSpan('dispatch offers', { requireParent: true, attributes: { 'rideline.booking_id': bookingId, 'rideline.offer.count': pending.length } }, () =>
          this.#options.publish(pending.map((message) => offerRecord(message, now))),
        );
      } catch (error) {
        logger.warn({ err: error, bookingId }, 'could not publish offers; will retry');
        this.#arm(bookingId, now + (this.#options.retryDelayMs ?? 1_000));
        return;
      }
      state.offers.markPublished(pending);
      this.#options.onPublished?.(pending);
    }
    const next = state.offers.nextRoundAtMs(bookingId, now, policy);
    if (next === null) this.#clearTimer(bookingId);
    else this.#arm(bookingId, next);
  }

  #arm(bookingId: string, atMs: number): void {
    if (this.#stopped) return;
    this.#clearTimer(bookingId);
    // A few ms late rather than early: a round fires only once its time has come.
    const { clock } = this.#options;
    const timer = clock.setTimeout(
      () => {
        this.#timers.delete(bookingId);
        this.review(bookingId);
      },
      Math.max(0, atMs - clock.now()) + 5,
    );
    this.#timers.set(bookingId, timer);
  }

  #clearTimer(bookingId: string): void {
    const timer = this.#timers.get(bookingId);
    if (timer !== undefined) this.#options.clock.clearTimeout(timer);
    this.#timers.delete(bookingId);
  }
}
