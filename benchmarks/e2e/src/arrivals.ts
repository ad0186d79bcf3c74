/** When a message about a booking first arrived (performance.now()), and on whose socket. */
export interface Arrival<T> {
  readonly at: number;
  readonly by: T;
}

/**
 * The first arrival of a kind of message, per booking. Arrivals are kept until asked for, because
 * they often come before the flow waits for them: an offer can reach a driver's socket before
 * the POST that created the booking has answered (only then is its id known), and the rider's
 * `accepted` status before the accept's answer. One entry per booking played: a few thousand.
 */
export class FirstArrivals<T> {
  readonly #arrived = new Map<string, Arrival<T>>();
  readonly #waiting = new Map<string, (arrival: Arrival<T>) => void>();

  record(bookingId: string, by: T, at: number): void {
    if (this.#arrived.has(bookingId)) return;
    const arrival = { at, by };
    this.#arrived.set(bookingId, arrival);
    this.#waiting.get(bookingId)?.(arrival);
  }

  /** The first arrival for the booking, or undefined if none came within `timeoutMs`. */
  wait(bookingId: string, timeoutMs: number): Promise<Arrival<T> | undefined> {
    const arrived = this.#arrived.get(bookingId);
    if (arrived) return Promise.resolve(arrived);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.#waiting.delete(bookingId);
          resolve(undefined);
        },
        Math.max(0, timeoutMs),
      );
      this.#waiting.set(bookingId, (arrival) => {
        clearTimeout(timer);
        this.#waiting.delete(bookingId);
        resolve(arrival);
      });
    });
  }
}
