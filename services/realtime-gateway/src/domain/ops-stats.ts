import type { OpsStats } from '@rideline/contracts';

const MINUTE_MS = 60_000;
/** The medians cover bookings requested this recently. */
const MEDIAN_WINDOW_MS = 15 * MINUTE_MS;

interface Sample {
  readonly requestedAtMs: number;
  readonly seconds: number;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  const value = values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  return Math.round(value * 10) / 10;
};

/** Drops the samples before `since` (they arrive roughly in time order, so from the front). */
function prune<T>(items: T[], isOld: (item: T) => boolean): void {
  let old = 0;
  while (old < items.length && isOld(items[old]!)) old++;
  if (old > 0) items.splice(0, old);
}

/**
 * The console's flow figures: offers made in the last minute, and the median time from request
 * to first offer and to acceptance over recent bookings. Event times throughout, so a replay at
 * start gives the figures a running gateway would have had.
 */
export class OpsStatsWindow {
  readonly #offerTimes: number[] = [];
  readonly #toOffer: Sample[] = [];
  readonly #toAccept: Sample[] = [];

  offered(atMs: number): void {
    this.#offerTimes.push(atMs);
  }

  firstOffer(requestedAtMs: number, offeredAtMs: number): void {
    this.#toOffer.push({ requestedAtMs, seconds: Math.max(0, offeredAtMs - requestedAtMs) / 1000 });
  }

  accepted(requestedAtMs: number, acceptedAtMs: number): void {
    this.#toAccept.push({ requestedAtMs, seconds: Math.max(0, acceptedAtMs - requestedAtMs) / 1000 });
  }

  figures(nowMs: number): OpsStats {
    prune(this.#offerTimes, (at) => at < nowMs - MINUTE_MS);
    const since = nowMs - MEDIAN_WINDOW_MS;
    prune(this.#toOffer, (sample) => sample.requestedAtMs < since);
    prune(this.#toAccept, (sample) => sample.requestedAtMs < since);
    return {
      offers_last_minute: this.#offerTimes.length,
      median_time_to_offer_s: median(this.#toOffer.map((sample) => sample.seconds)),
      median_time_to_accept_s: median(this.#toAccept.map((sample) => sample.seconds)),
    };
  }
}
