import type { TopicNames } from '@rideline/contracts';
import { ConsumerLag, GROUP_TIMING, GroupLiveness, TypedConsumer, type KafkaRuntime, type Logger, type TopicPublisher } from '@rideline/kafka';
import type { OfferStore } from './offer-store.ts';

export interface OfferConsumerOptions {
  readonly kafka: KafkaRuntime['kafka'];
  readonly admin: KafkaRuntime['admin'];
  readonly names: TopicNames;
  /** BOOKING_OFFERS_CONSUMER_GROUP: shared by the instances, which share one database. */
  readonly groupId: string;
  readonly store: OfferStore;
  readonly deadLetter: TopicPublisher;
  readonly logger: Logger;
  /** Told of each record parked on the dead-letter topic (the dead-letter metric). */
  readonly onDeadLettered?: (parked: { readonly group: string; readonly topic: string }) => void;
}

/**
 * Reads `dispatch.offers` into the database, from the beginning for a new group. One group for
 * all instances is enough: they share the database, and the stored positions (not the group's
 * committed offsets, which may lag) are what an accept waits on.
 */
export class OfferConsumer {
  readonly #consumer: TypedConsumer<'dispatchOffers'>;
  readonly #liveness: GroupLiveness;
  /** How far behind it is on the partitions assigned to this instance. */
  readonly lag: ConsumerLag;

  constructor(options: OfferConsumerOptions) {
    const topic = options.names.dispatchOffers;
    this.#consumer = new TypedConsumer({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: ['dispatchOffers'],
      names: options.names,
      deadLetter: options.deadLetter,
      logger: options.logger,
      handle: (record) => options.store.record(record.message, { topic, partition: record.partition, offset: record.offset }),
      // A parked record was read all the same: an accept must not wait for it forever.
      onParked: (at) => {
        options.onDeadLettered?.({ group: options.groupId, topic });
        return options.store.skip({ topic, partition: at.partition, offset: at.offset });
      },
      // An idle fetch returns within 1 s, so stopping does not wait kafkajs' 5 s; a crashed
      // instance's partitions move after 10 s (until then, accepts without an offer answer 503);
      // after a broker restart the join waits at most GROUP_TIMING's rebalance timeout.
      consumerConfig: { maxWaitTimeInMs: 1_000, ...GROUP_TIMING },
    });
    this.#liveness = new GroupLiveness(this.#consumer.consumer, { rebalanceIsDown: false });
    this.lag = new ConsumerLag({ consumer: this.#consumer.consumer, admin: options.admin, group: options.groupId, topics: [topic], commits: true });
  }

  /** In its group (false from a crash until it has joined again; a rebalance does not count). */
  get live(): boolean {
    return this.#liveness.live;
  }

  start(): Promise<void> {
    this.lag.start();
    return this.#consumer.start();
  }

  /** Leaves the group after the record in hand is stored and its offset committed. */
  stop(): Promise<void> {
    this.lag.stop();
    return this.#consumer.stop();
  }
}
