import { TopicConsumer, type ConsumerLag, type KafkaRuntime, type Logger } from '@rideline/kafka';
import type { OfferArrivals } from './offer-arrivals.ts';
import { OfferRunWriter } from './offer-run-writer.ts';
import type { OfferStore } from './offer-store.ts';

/**
 * The group commits its offsets at most this often, not after every batch: at 50 rides/s the
 * per-batch commits were 233 requests/s to the broker that bought nothing, since the offers
 * are stored with their positions (an accept reads those) and storing a run again is harmless.
 * (Taken back once for a broker-restart failure in CI. Its likely cause is not the commits:
 * kafkajs gives a consumer up after a failed coordinator lookup, whatever the commit mode, and
 * TopicConsumer now runs it again; see the @rideline/kafka README.)
 */
const OFFERS_COMMIT_EVERY_MS = 1_000;

/**
 * Partitions of one fetch handled at once, so that their runs share one statement
 * (`OfferRunWriter`). At least the topic's partitions (6 unless KAFKA_TOPIC_PARTITIONS says
 * otherwise): a fetch holding more partitions than this stores the rest in further statements.
 * An idle kafkajs worker costs a promise a fetch.
 */
const OFFERS_PARTITIONS_CONCURRENTLY = 64;

export interface OfferConsumerOptions {
  readonly runtime: KafkaRuntime;
  /** BOOKING_OFFERS_CONSUMER_GROUP: shared by the instances, which share one database. */
  readonly groupId: string;
  readonly store: OfferStore;
  /** Told of each run once it is stored, for the accepts waiting on its offers. */
  readonly arrivals: OfferArrivals;
  readonly logger: Logger;
  /** Told of each record parked on the dead-letter topic (the dead-letter metric). */
  readonly onDeadLettered?: (parked: { readonly group: string; readonly topic: string }) => void;
}

/**
 * Reads `dispatch.offers` into the database, from the beginning for a new group. One shared group
 * for all instances is enough: they share the database, and the stored positions (not the group's
 * committed offsets, which may lag) are what an accept waits on. Undecodable records are parked
 * on the dead-letter topic; a failed write is retried, never skipped. The partitions of a fetch
 * are handled at once and their runs stored by one statement (`OfferRunWriter`).
 */
export class OfferConsumer {
  readonly #consumer: TopicConsumer<'dispatchOffers'>;
  /** The partitions this instance reads now (none from a rebalance or a crash until it joins again). */
  #held: ReadonlySet<number> = new Set();

  constructor(options: OfferConsumerOptions) {
    const topic = options.runtime.topics.dispatchOffers;
    const writer = new OfferRunWriter(options.store);
    this.#consumer = new TopicConsumer({
      runtime: options.runtime,
      groupId: options.groupId,
      topics: ['dispatchOffers'],
      mode: { kind: 'shared' },
      undecodable: 'park',
      commitEveryMs: OFFERS_COMMIT_EVERY_MS,
      partitionsConcurrently: OFFERS_PARTITIONS_CONCURRENTLY,
      logger: options.logger,
      handleRun: async (records) => {
        const last = records.at(-1)!; // a run is never empty
        const envelopes = records.map((record) => record.message);
        await writer.write({ envelopes, last: { topic, partition: last.partition, offset: last.offset } });
        options.arrivals.stored(envelopes);
      },
      onAssigned: (assignment) => (this.#held = assignment.get('dispatchOffers') ?? new Set()),
      onRevoked: () => (this.#held = new Set()),
      // A parked record was read all the same: an accept must not wait for it forever. TopicConsumer
      // calls this once the run before it in its partition is stored (its write awaited), and hands
      // over what follows it only after: the position never passes offers not yet stored.
      onUndecodable: (at) => {
        options.onDeadLettered?.({ group: options.groupId, topic });
        return options.store.skip({ topic, partition: at.partition, offset: at.offset });
      },
    });
  }

  /** How far behind it is on the partitions assigned to this instance. */
  get lag(): ConsumerLag {
    return this.#consumer.lag;
  }

  /** Whether this instance reads `partition` of `dispatch.offers` now. */
  reads(partition: number): boolean {
    return this.#held.has(partition);
  }

  /** In its group (false from a crash until it has joined again; a rebalance does not count). */
  get live(): boolean {
    return this.#consumer.live;
  }

  start(): Promise<void> {
    return this.#consumer.start();
  }

  /** Leaves the group after the run in hand is stored and what was stored is committed. */
  stop(): Promise<void> {
    return this.#consumer.stop();
  }
}
