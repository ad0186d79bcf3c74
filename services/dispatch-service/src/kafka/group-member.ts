import type { TopicNames } from '@rideline/contracts';
import { ConsumerLag, GROUP_TIMING, GroupLiveness, TypedConsumer, type Logger, type TopicPublisher } from '@rideline/kafka';
import type { Admin, Kafka } from 'kafkajs';
import type { Ownership } from './ownership.ts';
import { IDLE_FETCH_WAIT_MS } from './picture-consumer.ts';

export interface GroupMemberOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  readonly groupId: string;
  readonly deadLetter: TopicPublisher;
  readonly logger: Logger;
  readonly ownership: Ownership;
  /** After each assignment (the first one and every rebalance). */
  readonly onAssigned: () => void;
  /** Told of each record it parked on the dead-letter topic (the dead-letter metric). */
  readonly onDeadLettered?: (parked: { readonly group: string; readonly topic: string }) => void;
}

/**
 * This instance's membership of the shared, durable group (DISPATCH_CONSUMER_GROUP) on the three
 * topics. The picture consumer does the reading; this member is how the instances split the work:
 * the group's assignment says which partitions this one acts for. It is also the one reader that
 * parks undecodable records on the dead-letter topic, once per group (its committed offsets say
 * what it has looked at), and it commits and leaves the group on shutdown.
 */
export class GroupMember {
  readonly #options: GroupMemberOptions;
  readonly #consumer: TypedConsumer<'bookingEvents' | 'driverLocations' | 'dispatchOffers'>;
  readonly #liveness: GroupLiveness;
  /** How far behind it is on the partitions assigned to this instance. */
  readonly lag: ConsumerLag;

  constructor(options: GroupMemberOptions) {
    this.#options = options;
    this.#consumer = new TypedConsumer({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: ['bookingEvents', 'driverLocations', 'dispatchOffers'],
      names: options.names,
      deadLetter: options.deadLetter,
      logger: options.logger,
      handle: async () => {},
      onParked: async (at) => options.onDeadLettered?.({ group: options.groupId, topic: options.names[at.topic] }),
      // A crashed instance's partitions move after 10 s rather than kafkajs' 30; after a broker
      // restart the join waits at most the short rebalance timeout for the dead member.
      consumerConfig: { maxWaitTimeInMs: IDLE_FETCH_WAIT_MS, ...GROUP_TIMING },
    });
    this.#liveness = new GroupLiveness(this.#consumer.consumer, { rebalanceIsDown: false });
    const topics = (['bookingEvents', 'driverLocations', 'dispatchOffers'] as const).map((id) => options.names[id]);
    this.lag = new ConsumerLag({ consumer: this.#consumer.consumer, admin: options.admin, group: options.groupId, topics, commits: true });
  }

  /** In the group (false from a crash until it has joined again; a rebalance does not count). */
  get live(): boolean {
    return this.#liveness.live;
  }

  async start(): Promise<void> {
    const consumer = this.#consumer.consumer;
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(REBALANCING, () => this.#options.ownership.revoke());
    consumer.on(CRASH, ({ payload }) => {
      this.#options.ownership.revoke();
      const entry = { err: payload.error, group: payload.groupId, restart: payload.restart };
      if (payload.restart) this.#options.logger.warn(entry, 'the dispatch group member crashed; restarting');
      else this.#options.logger.error(entry, 'the dispatch group member crashed for good: this instance acts for no bookings');
    });
    consumer.on(GROUP_JOIN, ({ payload }) => {
      this.#options.ownership.assign(payload.memberAssignment);
      this.#options.logger.info({ group: payload.groupId, assignment: payload.memberAssignment }, 'joined the dispatch group');
      this.#options.onAssigned();
    });
    this.lag.start();
    await this.#consumer.start();
  }

  /** Commits what was handled and leaves the group, so its partitions move at once. */
  stop(): Promise<void> {
    this.lag.stop();
    this.#options.ownership.revoke();
    return this.#consumer.stop();
  }
}
