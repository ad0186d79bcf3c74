import type { OfferRun, OfferStore } from './offer-store.ts';

interface Write {
  readonly run: OfferRun;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Stores the runs handed over in the same turn of the event loop in ONE `OfferStore.recordRuns`
 * statement: the reader handles a fetch's partitions at once, and their first runs all arrive
 * before the loop moves on (see `TopicConsumer`'s `partitionsConcurrently`). A statement is a
 * round trip, the largest of booking-service's CPU costs, and a ride's offers and revocations
 * are spread over several partitions.
 *
 * Each caller's promise settles once its run is stored (committed) or has failed, never before,
 * so a run is never taken as stored when it is not. When a statement of several runs fails, each
 * run is tried again in a statement of its own, one after the other: a run the database refuses
 * (a record that decoded but that a column's type rejects) then fails alone and is retried by
 * the consumer, while the partitions it shared the statement with move on. A run handed over
 * while a statement is in flight goes into the next one.
 */
export class OfferRunWriter {
  #pending: Write[] | undefined;

  constructor(private readonly store: Pick<OfferStore, 'recordRuns'>) {}

  write(run: OfferRun): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#pending) {
        this.#pending = [];
        // setImmediate, not a microtask: the runs of a fetch are handed over from microtasks of
        // the same stretch, all of which run before it.
        setImmediate(() => void this.#flush());
      }
      this.#pending.push({ run, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const writes = this.#pending ?? [];
    this.#pending = undefined;
    try {
      await this.store.recordRuns(writes.map((write) => write.run));
      for (const write of writes) write.resolve();
    } catch (error) {
      if (writes.length === 1) return writes[0]!.reject(error);
      for (const write of writes) await this.store.recordRuns([write.run]).then(write.resolve, write.reject);
    }
  }
}
