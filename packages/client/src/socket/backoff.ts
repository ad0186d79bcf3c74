/** Reconnection delays: exponential back-off with full jitter. */
export interface BackoffSettings {
  /** The ceiling of the first delay. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 500, capMs: 30_000 };

/**
 * The delay before reconnection attempt `attempt` (0 for the first after a drop): uniform in
 * [0, min(cap, base * 2^attempt)). Full jitter, rather than a fixed exponential step, spreads a
 * crowd of clients that lost the same gateway at the same instant over the whole window, so a
 * restarted gateway is not met by all of them at once.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  // 2^30 already exceeds any sensible cap; bounding the exponent keeps the product finite.
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}
