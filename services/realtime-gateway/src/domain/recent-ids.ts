/**
 * The last `capacity` event ids seen, for de-duplicating at-least-once delivery without
 * remembering every id forever. Versions and offer state catch older duplicates; this catches
 * those whose effect the state alone cannot tell apart (an OTP re-sent, an offer re-sent).
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {}

  /** Records `id`; false if it was already among the recent ones. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    return true;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
