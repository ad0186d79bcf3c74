import type { LocationFrame } from '@rideline/contracts/socket-messages';
import type { Clock } from './clock.ts';

/**
 * One location frame per `intervalMs` at most, always the latest position: a report made while
 * the previous one is too recent replaces whatever waits, and waits for the interval; a report
 * made while the socket is closed waits for the next open. Stale positions are never queued:
 * there is one slot.
 *
 * The gateway accepts WS_INBOUND_RATE_PER_SECOND frames per second sustained (default 5) with
 * a burst of WS_INBOUND_BURST (default 20), and closes the socket with 1008 beyond that. The
 * default of one per second leaves room for refresh frames and for a gateway configured
 * tighter than its defaults; dispatch needs no more (a driver moves ~15 m in a second).
 */
export const DEFAULT_LOCATION_INTERVAL_MS = 1_000;

export class LocationThrottle {
  #latest: LocationFrame | null = null;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: unknown = null;

  constructor(
    /** Sends the frame if the socket is open; false if it could not. */
    private readonly send: (frame: LocationFrame) => boolean,
    private readonly clock: Clock,
    private readonly intervalMs: number = DEFAULT_LOCATION_INTERVAL_MS,
  ) {}

  report(frame: LocationFrame): void {
    this.#latest = frame;
    this.flush();
  }

  /** Sends the waiting position if the interval allows (on report, on open, on its timer). */
  flush(): void {
    if (this.#latest === null || this.#timer !== null) return;
    const wait = this.#lastSentAt + this.intervalMs - this.clock.now();
    if (wait > 0) {
      this.#timer = this.clock.setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, wait);
      return;
    }
    if (this.send(this.#latest)) {
      this.#latest = null;
      this.#lastSentAt = this.clock.now();
    }
  }

  stop(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#latest = null;
  }
}
