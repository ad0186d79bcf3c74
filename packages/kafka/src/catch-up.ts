/** One partition's end at start-up: `highWatermark` is the offset the next record will get. */
export interface PartitionEnd {
  readonly topic: string;
  readonly partition: number;
  readonly lowWatermark: string;
  readonly highWatermark: string;
}

/**
 * Tracks a replay up to the ends the partitions had when the process started: `done` once every
 * partition has been read up to its end then. Records before that line only rebuild state;
 * decisions are taken once the whole line is reached, from the whole picture.
 */
export class CatchUp {
  private readonly remaining = new Map<string, bigint>();
  private readonly waiters: (() => void)[] = [];

  constructor(ends: readonly PartitionEnd[]) {
    for (const end of ends) {
      const last = BigInt(end.highWatermark) - 1n;
      if (last >= BigInt(end.lowWatermark)) this.remaining.set(key(end.topic, end.partition), last);
    }
  }

  /** Records that `topic`/`partition` has been read up to and including `offset`. */
  advance(topic: string, partition: number, offset: string): void {
    const id = key(topic, partition);
    const last = this.remaining.get(id);
    if (last === undefined || BigInt(offset) < last) return;
    this.remaining.delete(id);
    if (this.remaining.size === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  get done(): boolean {
    return this.remaining.size === 0;
  }

  /** Partitions still being replayed, e.g. `booking.events/2`. */
  get pending(): string[] {
    return [...this.remaining.keys()];
  }

  whenDone(): Promise<void> {
    return this.done ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;
