import type { KeyPartitionEnd } from '@rideline/kafka';
import { offersLaggingError } from '../bookings/errors.ts';
import type { OfferStore } from './offer-store.ts';

/** How an offer check ended: known at once, found or ruled out after waiting, or timed out. */
export type OfferCheckOutcome = 'known' | 'waited_offered' | 'not_offered' | 'lagging';

export interface OfferGateOptions {
  readonly store: OfferStore;
  /** The name of `dispatch.offers`. */
  readonly topic: string;
  /** The partition a driver's offers go to, and its current end (`KafkaRuntime.partitionEnd`). */
  readonly partitionEnd: (driverId: string) => Promise<KeyPartitionEnd>;
  /** BOOKING_OFFER_SYNC_TIMEOUT_MS. */
  readonly timeoutMs: number;
}

/**
 * Answers "did dispatch offer this booking to this driver?" without a false no.
 *
 * The fast path is one query: the offer is already stored. Otherwise the offer may still be on
 * its way from the topic to the database: a driver can accept the instant the offer reaches
 * its socket, before this service has read it. Any offer the driver has seen was written below
 * the current end of the driver's partition (records are readable, by the gateway as by us,
 * only below the high watermark), so once the stored position of that partition reaches that
 * end, a missing offer was never made. Waiting is bounded; past the bound the answer is 503
 * OFFERS_LAGGING, never a guess.
 */
export class OfferGate {
  /** Told the outcome of every check (the service counts them in a metric). */
  onChecked: (outcome: OfferCheckOutcome) => void = () => {};

  constructor(private readonly options: OfferGateOptions) {}

  async wasOffered(bookingId: string, driverId: string): Promise<boolean> {
    if (await this.options.store.isOffered(bookingId, driverId)) {
      this.onChecked('known');
      return true;
    }
    try {
      const offered = await this.#waitForOffer(bookingId, driverId);
      this.onChecked(offered ? 'waited_offered' : 'not_offered');
      return offered;
    } catch (error) {
      this.onChecked('lagging');
      throw error;
    }
  }

  async #waitForOffer(bookingId: string, driverId: string): Promise<boolean> {
    const { store, topic, timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    const end = await this.#partitionEndBefore(driverId, deadline);
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
