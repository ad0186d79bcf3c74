import type { OfferRun, OfferStore } from './offer-store.ts';

/**
 * Stores the runs handed over in the same turn of the event loop in ONE `OfferStore.recordRuns`
 * statement: the reader handles a fetch's partitions at once, and their first runs all arrive
 * before the loop moves on (see `TopicConsumer`'s `partitionsConcurrently`). A statement is a
 * round trip, the largest of booking-service's CPU costs, and a ride's offers and revocations
 * are spread over several partitions.
 *
 * Each caller's promise settles with the statement that holds its run: resolved once it has
 * committed, rejected with it when it failed, so that every run in it is retried and none is
 * taken as stored. A run handed over while a statement is in flight goes into the next one.
 */
export class OfferRunWriter {
  #pending: { readonly runs: OfferRun[]; readonly stored: Promise<void> } | undefined;

  constructor(private readonly store: Pick<OfferStore, 'recordRuns'>) {}

  write(run: OfferRun): Promise<void> {
    this.#pending ??= this.#schedule();
    this.#pending.runs.push(run);
    return this.#pending.stored;
  }

  #schedule(): { readonly runs: OfferRun[]; readonly stored: Promise<void> } {
    const runs: OfferRun[] = [];
    // setImmediate, not a microtask: the runs of a fetch are handed over from microtasks of the
    // same stretch, all of which run before it.
    const stored = new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.#pending = undefined;
        this.store.recordRuns(runs).then(resolve, reject);
      }),
    );
    return { runs, stored };
  }
}
