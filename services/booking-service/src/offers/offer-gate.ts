import { keyPartition, type KeyPartitionEnd } from '@rideline/kafka';
import { offersLaggingError } from '../bookings/errors.ts';
import type { OfferArrivals, PendingArrival } from './offer-arrivals.ts';
import type { OfferStore } from './offer-store.ts';

/**
 * How long an accept whose offer is not stored yet waits for this instance's reader to store it
 * before asking the broker. The reader stores an offer milliseconds after the gateway hands it to
 * the driver; past this, something is slow or the driver was never offered the booking.
 */
const ARRIVAL_WAIT_MS = 250;

/**
 * How an offer check ended: known at once, stored by this instance's reader while the accept
 * waited (`arrived`), found or ruled out after reading up to the partition's end, or timed out.
 */
export type OfferCheckOutcome = 'known' | 'arrived' | 'waited_offered' | 'not_offered' | 'lagging';

export interface OfferGateOptions {
  readonly store: OfferStore;
  /** The name of `dispatch.offers`. */
  readonly topic: string;
  /** The partition a driver's offers go to, and its current end (`KafkaRuntime.partitionEnd`). */
  readonly partitionEnd: (driverId: string) => Promise<KeyPartitionEnd>;
  /** BOOKING_OFFER_SYNC_TIMEOUT_MS. */
  readonly timeoutMs: number;
  /** The offers this instance's reader stores, as it stores them. */
  readonly arrivals: OfferArrivals;
  /** Whether this instance's reader holds a partition of `dispatch.offers` now. */
  readonly readsPartition: (partition: number) => boolean;
}

/** An offer check begun (`OfferGate.begin`), waiting for the stored answer. */
export interface OfferCheck {
  /**
   * Whether dispatch offered the booking to the driver, given whether the offer was stored when
   * read (read after `begin`): a stored offer is the answer, otherwise the slow paths below.
   */
  answer(stored: boolean): Promise<boolean>;
  /** Ends a check that will not be answered (the booking does not exist, the read failed); a no-op once answered. */
  cancel(): void;
}

/**
 * Answers "did dispatch offer this booking to this driver?" without a false no.
 *
 * The fast path is no query of its own: the accept reads whether the offer is stored in the
 * statement that loads the booking, between `begin` and `answer`. Otherwise the offer may still
 * be on its way from the topic to the database: a driver can accept the instant the offer
 * reaches its socket, before this service has read it. When this instance's reader holds the driver's
 * partition, the accept first waits for it to store the offer (`ARRIVAL_WAIT_MS`, no request).
 * Past that, or when another instance reads that partition, it asks the broker: any offer the
 * driver has seen was written below
 * the current end of the driver's partition (records are readable, by the gateway as by us,
 * only below the high watermark), so once the stored position of that partition reaches that
 * end, a missing offer was never made. Waiting is bounded; past the bound the answer is 503
 * OFFERS_LAGGING, never a guess.
 */
export class OfferGate {
  /** Told the outcome of every check (the service counts them in a metric). */
  onChecked: (outcome: OfferCheckOutcome) => void = () => {};

  /** The topic's partition count, as of the last broker answer: which partition a driver's offers go to. */
  #partitionCount: number | undefined;

  constructor(private readonly options: OfferGateOptions) {}

  /**
   * Starts a check, before its stored answer is read: the wait for this instance's reader is
   * registered first, so an offer stored between that read and the wait still ends the wait.
   */
  begin(bookingId: string, driverId: string): OfferCheck {
    const arrival = this.#readsOffersOf(driverId) ? this.options.arrivals.expect(bookingId, driverId) : undefined;
    return {
      answer: (stored) => this.#answer(bookingId, driverId, stored, arrival),
      cancel: () => arrival?.cancel(),
    };
  }

  async #answer(bookingId: string, driverId: string, stored: boolean, arrival: PendingArrival | undefined): Promise<boolean> {
    // One bound for the whole check, the wait for this instance's reader included; it starts
    // with the answer, not with `begin`, so a slow read of the stored offer does not spend it.
    const deadline = Date.now() + this.options.timeoutMs;
    try {
      if (stored) {
        this.onChecked('known');
        return true;
      }
      if (arrival && (await arrival.within(Math.min(ARRIVAL_WAIT_MS, this.options.timeoutMs)))) {
        this.onChecked('arrived');
        return true;
      }
    } finally {
      arrival?.cancel();
    }
    try {
      const offered = await this.#waitForOffer(bookingId, driverId, deadline);
      this.onChecked(offered ? 'waited_offered' : 'not_offered');
      return offered;
    } catch (error) {
      this.onChecked('lagging');
      throw error;
    }
  }

  /** Whether this instance reads the partition the driver's offers go to (unknown before the first broker answer: no). */
  #readsOffersOf(driverId: string): boolean {
    return this.#partitionCount !== undefined && this.options.readsPartition(keyPartition(driverId, this.#partitionCount));
  }

  async #waitForOffer(bookingId: string, driverId: string, deadline: number): Promise<boolean> {
    const { store, topic, timeoutMs } = this.options;
    const end = await this.#partitionEndBefore(driverId, deadline);
    this.#partitionCount = end.partitionCount;
    const endOffset = BigInt(end.endOffset);
    // Nothing left in the partition (never written, or all past retention): nothing to wait for.
    if (endOffset === BigInt(end.startOffset)) return store.isOffered(bookingId, driverId);
    for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 50)) {
      const { offered, nextOffset } = await store.lookup(bookingId, driverId, topic, end.partition);
      if (offered) return true;
      if (nextOffset !== null && nextOffset >= endOffset) return false;
      if (Date.now() + pauseMs > deadline) throw offersLaggingError(timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  async #partitionEndBefore(driverId: string, deadline: number): Promise<KeyPartitionEnd> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(offersLaggingError(this.options.timeoutMs)), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([this.options.partitionEnd(driverId), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
