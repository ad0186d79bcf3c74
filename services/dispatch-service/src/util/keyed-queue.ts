/**
 * Runs jobs one at a time per key, in the order queued; different keys run concurrently. So two
 * reasons to act on one booking (a timer and an event) never interleave their awaits.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, job: () => Promise<void>): Promise<void> {
    // The tails never reject, so a failed job does not stop the ones queued behind it.
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(job);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves once every job queued so far has finished. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
