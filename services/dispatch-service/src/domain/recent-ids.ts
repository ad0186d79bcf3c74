/**
 * The last `capacity` ids seen, for de-duplicating at-least-once deliveries on `event_id`. Older
 * ids are forgotten first; the folds behind it are idempotent anyway, so forgetting only costs a
 * repeated (harmless) fold.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** Remembers `id`; false if it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
