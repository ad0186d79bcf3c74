import type { Admin, Consumer } from 'kafkajs';

/** How often the ends of the partitions are asked for (a metric scrape or a probe reads the last answer). */
export const LAG_REFRESH_MS = 2_000;

export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** Records between where this consumer has read to and the end of the partition. */
  readonly lag: number;
}

export interface ConsumerLagOptions {
  readonly consumer: Consumer;
  readonly admin: Admin;
  /** The group, as the metric's label (and for its committed offsets, see `commits`). */
  readonly group: string;
  readonly topics: readonly string[];
  /**
   * Whether the group commits offsets: where a partition newly assigned starts is then its
   * committed offset; otherwise `startAt`, or the beginning of the partition.
   */
  readonly commits: boolean;
  /** Where reading starts in a partition when the group does not commit (e.g. from a timestamp). */
  readonly startAt?: (topic: string, partition: number) => number | undefined;
}

/**
 * How far one consumer is behind, per partition assigned to it: the end of the partition (asked
 * of the broker every LAG_REFRESH_MS) minus the offset after the last batch it processed. Until a
 * partition's first batch, the position is where reading starts there. A consumer that stops
 * processing keeps its position while the ends move on, so its lag grows: that is the point.
 */
export class ConsumerLag {
  readonly #options: ConsumerLagOptions;
  /** `topic\0partition` → the next offset to process, or undefined until known. */
  readonly #positions = new Map<string, number | undefined>();
  #lags: PartitionLag[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refreshing = false;

  constructor(options: ConsumerLagOptions) {
    this.#options = options;
    const { GROUP_JOIN, END_BATCH_PROCESS } = options.consumer.events;
    options.consumer.on(GROUP_JOIN, ({ payload }) => {
      const assigned = new Set<string>();
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) assigned.add(key(topic, partition));
      }
      for (const known of [...this.#positions.keys()]) if (!assigned.has(known)) this.#positions.delete(known);
      // A group that does not commit reads a partition again from its start after every join.
      for (const partition of assigned) if (!options.commits || !this.#positions.has(partition)) this.#positions.set(partition, undefined);
    });
    options.consumer.on(END_BATCH_PROCESS, ({ payload }) => {
      const at = key(payload.topic, payload.partition);
      if (this.#positions.has(at)) this.#positions.set(at, Number(payload.lastOffset) + 1);
    });
  }

  start(): void {
    this.#timer = setInterval(() => void this.refresh(), LAG_REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The lag of each partition assigned, as of the last refresh. */
  get partitions(): readonly PartitionLag[] {
    return this.#lags;
  }

  /** Asks the broker where the partitions end (and, until known, where reading starts). */
  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      const { admin, group, topics, commits, startAt } = this.#options;
      const committed = new Map<string, number>();
      if (commits && [...this.#positions.values()].some((p) => p === undefined)) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics: [...topics] })) {
          for (const { partition, offset } of partitions) if (Number(offset) >= 0) committed.set(key(topic, partition), Number(offset));
        }
      }
      const lags: PartitionLag[] = [];
      for (const topic of topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          const at = key(topic, partition);
          if (!this.#positions.has(at)) continue;
          const start = committed.get(at) ?? startAt?.(topic, partition) ?? Number(low);
          const position = this.#positions.get(at) ?? Math.max(start, Number(low));
          lags.push({ group, topic, partition, lag: Math.max(0, Number(high) - position) });
        }
      }
      this.#lags = lags;
    } catch {
      // The broker is away: keep the last answer (readiness reports `kafka` down meanwhile).
    } finally {
      this.#refreshing = false;
    }
  }
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The `lag` readiness check: fails while any of these consumers is more than `maxLag` records
 * behind on a partition, and passes again by itself once it has caught up.
 */
export function lagReadinessCheck(lags: () => readonly ConsumerLag[], maxLag: number) {
  return async (): Promise<void> => {
    const behind = lags()
      .flatMap((l) => l.partitions)
      .filter((p) => p.lag > maxLag)
      .sort((a, b) => b.lag - a.lag);
    const worst = behind[0];
    if (worst) throw new Error(`${worst.lag} records behind on ${worst.topic}[${worst.partition}] (${worst.group}); more than ${maxLag} (KAFKA_READY_MAX_LAG)`);
  };
}
