import type { DispatchOfferEnvelope } from './offer-store.ts';

/** An accept's wait for one offer to be stored by this instance's reader. */
export interface PendingArrival {
  /** True once the offer is stored (also if it was stored since `expect`), false after `timeoutMs`. */
  within(timeoutMs: number): Promise<boolean>;
  /** Stops waiting (always call it: a pending arrival is held until then). */
  cancel(): void;
}

/**
 * The offers this instance's reader of `dispatch.offers` has just stored, told to the accepts
 * waiting for them. A driver often accepts before the offer is stored (it reaches the driver's
 * socket as soon as it reaches ours); rather than asking the broker where the driver's
 * partition ends (a Metadata and two ListOffsets requests), such an accept waits here for the
 * reader, which stores the offer a few milliseconds later.
 */
export class OfferArrivals {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Starts listening for an offer; register before looking it up, so no arrival falls between. */
  expect(bookingId: string, driverId: string): PendingArrival {
    const at = key(bookingId, driverId);
    let arrived = false;
    let wake: () => void = () => {};
    const onStored = () => {
      arrived = true;
      wake();
    };
    let listeners = this.#waiting.get(at);
    if (!listeners) this.#waiting.set(at, (listeners = new Set()));
    listeners.add(onStored);
    const cancel = () => {
      const current = this.#waiting.get(at);
      current?.delete(onStored);
      if (current?.size === 0) this.#waiting.delete(at);
    };
    return {
      within: (timeoutMs) =>
        arrived
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), timeoutMs);
              wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            }),
      cancel,
    };
  }

  /** A run of records is stored (committed): wakes the accepts waiting for its offers. */
  stored(envelopes: readonly DispatchOfferEnvelope[]): void {
    if (this.#waiting.size === 0) return;
    for (const envelope of envelopes) {
      if (envelope.type !== 'BookingOffered') continue;
      const listeners = this.#waiting.get(key(envelope.data.booking_id, envelope.data.driver_id));
      if (listeners) for (const onStored of listeners) onStored();
    }
  }

  /** Accepts waiting now (for a test). */
  get waiting(): number {
    let count = 0;
    for (const listeners of this.#waiting.values()) count += listeners.size;
    return count;
  }
}

const key = (bookingId: string, driverId: string) => `${bookingId}/${driverId}`;
