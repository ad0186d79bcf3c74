import type { Clock, TimerHandle } from '@rideline/service-kit';
import type { Connection } from './connection.ts';

/**
 * Closes sockets when their token expires, with one timer for all of them: connections are
 * bucketed by `exp` (whole seconds, as in the token), and the timer is armed for the earliest
 * bucket. Cheaper per socket than a timer each, and exact to the second the token names.
 */
export class ExpiryWheel {
  readonly #buckets = new Map<number, Set<Connection>>();
  readonly #clock: Clock;
  readonly #onExpire: (connection: Connection) => void;
  #timer: TimerHandle | null = null;
  #armedFor = Number.POSITIVE_INFINITY;

  constructor(clock: Clock, onExpire: (connection: Connection) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  add(connection: Connection): void {
    let bucket = this.#buckets.get(connection.expiresAt);
    if (!bucket) this.#buckets.set(connection.expiresAt, (bucket = new Set()));
    bucket.add(connection);
    if (connection.expiresAt < this.#armedFor) this.#arm(connection.expiresAt);
  }

  delete(connection: Connection): void {
    const bucket = this.#buckets.get(connection.expiresAt);
    if (!bucket) return;
    bucket.delete(connection);
    if (bucket.size === 0) this.#buckets.delete(connection.expiresAt);
  }

  /** Moves a connection to a new expiry (an in-band refresh). */
  reschedule(connection: Connection, expiresAt: number): void {
    this.delete(connection);
    connection.expiresAt = expiresAt;
    this.add(connection);
  }

  stop(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #arm(expiresAt: number): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#armedFor = expiresAt;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, expiresAt * 1000 - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const nowSeconds = this.#clock.now() / 1000;
    let next = Number.POSITIVE_INFINITY;
    for (const [expiresAt, bucket] of this.#buckets) {
      if (expiresAt <= nowSeconds) {
        this.#buckets.delete(expiresAt);
        for (const connection of bucket) this.#onExpire(connection);
      } else if (expiresAt < next) {
        next = expiresAt;
      }
    }
    if (next !== Number.POSITIVE_INFINITY && next < this.#armedFor) this.#arm(next);
  }
}
