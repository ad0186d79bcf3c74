import { decodeMessage, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { ConsumerLag, GROUP_TIMING, type Logger } from '@rideline/kafka';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';

/** The topics the projection is folded from. */
export const BOOKING_FEED_TOPICS = ['bookingEvents', 'bookingNotifications', 'dispatchOffers'] as const;
/** With the operator stream on, the same feed reads the drivers' positions and states too. */
export const OPS_FEED_TOPICS = [...BOOKING_FEED_TOPICS, 'driverLocations'] as const;
/** Read by a feed of its own, so a backlog of booking events never delays a revocation. */
export const REVOCATION_FEED_TOPICS = ['identityRevocations'] as const;
export type BookingFeedTopic = (typeof OPS_FEED_TOPICS)[number];
export type FeedTopic = BookingFeedTopic | (typeof REVOCATION_FEED_TOPICS)[number];

export type FeedRecord<T extends FeedTopic = BookingFeedTopic> = { [K in T]: { readonly topic: K; readonly message: TopicMessage<K> } }[T];

export interface EventFeedOptions<T extends FeedTopic> {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  /** Which topics this feed reads. */
  readonly topics: readonly T[];
  /** Unique to this instance and this start: every instance reads every partition. */
  readonly groupId: string;
  /**
   * Where reading starts, ms since the epoch (the first record at or after it, by record
   * timestamp); absent: the beginning of the log. What came before is never needed.
   */
  readonly fromTimestampMs?: number;
  readonly logger: Logger;
  readonly handle: (record: FeedRecord<T>) => void;
  /**
   * A fetch waits at the broker for `minBytes` or `maxWaitMs`, whichever comes first. A fetch
   * costs kafkajs far more than a record: a larger `minBytes` saves CPU under load (fewer, fuller
   * fetches) but adds up to `maxWaitMs` to every delivery when traffic is light, and a short
   * `maxWaitMs` makes an idle gateway poll (about 1 ms of CPU per fetch here).
   */
  readonly fetch: { readonly minBytes: number; readonly maxWaitMs: number };
  /** A record that does not decode (logged and skipped, see below). */
  readonly onUndecodable?: (topic: T, reason: string) => void;
}

/**
 * Every record of its topics, in partition order, from the beginning of the log (or from
 * `fromTimestampMs`).
 *
 * Each gateway instance is the only member of its own consumer group (a fresh id per start) and
 * commits no offsets: it reads all partitions, so it can route any event to whichever sockets
 * happen to be open on it, and it rebuilds its projection by replaying the topics at every start.
 * `caughtUp` resolves once it has read up to the end each partition had at start.
 *
 * Undecodable records are logged and skipped, not parked on the dead-letter topic: the durable
 * consumer groups of the other services park them once, whereas N gateway instances replaying at
 * every start would park the same record again and again.
 */
export class EventFeed<T extends FeedTopic = BookingFeedTopic> {
  readonly #options: EventFeedOptions<T>;
  readonly #consumer: Consumer;
  readonly #idByName: Map<string, T>;
  /** `topic:partition` → the offset reading starts at, when it does not start at the beginning. */
  readonly #startAt = new Map<string, number>();
  /** `topic:partition` → the offset to reach (the high watermark at start). */
  readonly #targets = new Map<string, number>();
  #caughtUp = false;
  /** In its group and fetching; false from a crash or rebalance until it has joined again. */
  #live = false;
  #resolveCaughtUp: () => void = () => {};
  readonly caughtUp: Promise<void>;
  /** How far behind it is, per partition (it never commits: a rejoin reads from the start again). */
  readonly lag: ConsumerLag;

  constructor(options: EventFeedOptions<T>) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      minBytes: options.fetch.minBytes,
      maxWaitTimeInMs: options.fetch.maxWaitMs,
      // After a broker restart kafkajs rejoins as a new member, and the coordinator holds the
      // join for the old one (30 s with kafkajs' defaults): see GROUP_TIMING. A group of one has
      // no rebalance to protect.
      ...GROUP_TIMING,
    });
    this.#idByName = new Map(options.topics.map((id) => [options.names[id], id]));
    this.caughtUp = new Promise((resolve) => (this.#resolveCaughtUp = resolve));
    this.lag = new ConsumerLag({
      consumer: this.#consumer,
      admin: options.admin,
      group: options.groupId,
      topics: [...this.#idByName.keys()],
      commits: false,
      startAt: (topic, partition) => this.#startAt.get(`${topic}:${partition}`),
    });
  }

  get isCaughtUp(): boolean {
    return this.#caughtUp;
  }

  /** Whether records are flowing: false while the consumer rejoins after losing the broker. */
  get isLive(): boolean {
    return this.#live;
  }

  async start(): Promise<void> {
    const { admin, fromTimestampMs } = this.#options;
    for (const [name] of this.#idByName) {
      const starts = new Map<number, number>();
      if (fromTimestampMs !== undefined) {
        // kafkajs answers the high watermark for a partition with nothing that recent.
        for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(name, fromTimestampMs)) {
          starts.set(partition, Number(offset));
          this.#startAt.set(`${name}:${partition}`, Number(offset));
        }
      }
      for (const { partition, high, low } of await admin.fetchTopicOffsets(name)) {
        const from = Math.max(Number(low), starts.get(partition) ?? Number(low));
        if (Number(high) > from) this.#targets.set(`${name}:${partition}`, Number(high));
      }
    }
    this.#checkCaughtUp();
    const { GROUP_JOIN, CRASH, REBALANCING, STOP } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, () => (this.#live = true));
    this.#consumer.on(REBALANCING, () => (this.#live = false));
    this.#consumer.on(STOP, () => (this.#live = false));
    this.#consumer.on(CRASH, ({ payload }) => {
      this.#live = false;
      this.#options.logger.warn({ err: payload.error, restart: payload.restart }, 'the feed consumer crashed; it rejoins its group');
    });
    this.lag.start();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [...this.#idByName.keys()], fromBeginning: true });
    await this.#consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#onBatch(payload) });
    // Applied by kafkajs before the partition's first fetch (the group holds no offsets).
    for (const [key, offset] of this.#startAt) {
      const at = key.lastIndexOf(':');
      this.#consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset) });
    }
  }

  /** Leaves the group and deletes it (it holds no offsets anyone needs). */
  async stop(): Promise<void> {
    this.lag.stop();
    await this.#consumer.disconnect();
    await this.#options.admin.deleteGroups([this.#options.groupId]).catch(() => {});
  }

  async #onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const topic = this.#idByName.get(batch.topic);
    if (topic === undefined) return;
    // Offsets are resolved once per batch, not per record: nothing is committed (see above), the
    // resolved offset only tells kafkajs where the next fetch starts.
    let lastApplied: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      this.#apply(topic, message.value);
      lastApplied = message.offset;
    }
    if (lastApplied !== undefined) {
      resolveOffset(lastApplied);
      this.#reached(batch.topic, batch.partition, Number(lastApplied) + 1);
    }
    await heartbeat();
  }

  #apply(topic: T, value: Buffer | null): void {
    const decoded = decodeMessage(topic, value);
    if (!decoded.ok) {
      this.#options.logger.warn({ topic: this.#options.names[topic], reason: decoded.reason }, 'skipping an undecodable record');
      this.#options.onUndecodable?.(topic, decoded.reason);
      return;
    }
    try {
      this.#options.handle({ topic, message: decoded.message } as FeedRecord<T>);
    } catch (error) {
      // A bug in routing one record must not stall the partition for everyone else.
      this.#options.logger.error({ err: error, topic: this.#options.names[topic] }, 'failed to route a record');
    }
  }

  #reached(name: string, partition: number, nextOffset: number): void {
    if (this.#caughtUp) return;
    const key = `${name}:${partition}`;
    const target = this.#targets.get(key);
    if (target !== undefined && nextOffset >= target) {
      this.#targets.delete(key);
      this.#checkCaughtUp();
    }
  }

  #checkCaughtUp(): void {
    if (this.#caughtUp || this.#targets.size > 0) return;
    this.#caughtUp = true;
    this.#options.logger.info({ groupId: this.#options.groupId, topics: [...this.#idByName.keys()] }, 'caught up with the topics');
    this.#resolveCaughtUp();
  }
}
