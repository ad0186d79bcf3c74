/**
 * The Kafka topics of API.md, defined once. Every producer, consumer and the topic
 * provisioner import these; nobody spells a topic name anywhere else.
 */
export type CleanupPolicy = 'delete' | 'compact';

export interface TopicDefinition {
  /** The name in API.md; operators may override it with `envVar`. */
  readonly defaultName: string;
  readonly envVar: string;
  /** What the record key is: every record is keyed so that one entity's records stay ordered. */
  readonly keyedBy: string;
  readonly cleanupPolicy: CleanupPolicy;
  /**
   * Compacted topics only: how long a record is kept even when a newer one has its key
   * (`min.compaction.lag.ms`). A producer that must keep a fact on the topic re-publishes it
   * within this time, not after every record that leaves the fact out.
   */
  readonly minCompactionLagMs?: number;
}

export const TOPICS = {
  bookingEvents: {
    defaultName: 'booking.events',
    envVar: 'TOPIC_BOOKING_EVENTS',
    keyedBy: 'booking id',
    cleanupPolicy: 'delete',
  },
  bookingNotifications: {
    defaultName: 'booking.notifications',
    envVar: 'TOPIC_BOOKING_NOTIFICATIONS',
    keyedBy: 'user id',
    cleanupPolicy: 'delete',
  },
  driverLocations: {
    defaultName: 'driver.locations',
    envVar: 'TOPIC_DRIVER_LOCATIONS',
    keyedBy: 'driver id',
    cleanupPolicy: 'compact',
    minCompactionLagMs: 3_600_000,
  },
  dispatchOffers: {
    defaultName: 'dispatch.offers',
    envVar: 'TOPIC_DISPATCH_OFFERS',
    keyedBy: 'driver id',
    cleanupPolicy: 'delete',
  },
  identityRevocations: {
    defaultName: 'identity.revocations',
    envVar: 'TOPIC_IDENTITY_REVOCATIONS',
    keyedBy: 'principal (user:<id> or driver:<id>)',
    cleanupPolicy: 'delete',
  },
  deadLetter: {
    defaultName: 'rideline.dead-letter',
    envVar: 'TOPIC_DEAD_LETTER',
    keyedBy: 'the original record key',
    cleanupPolicy: 'delete',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof TOPICS;

export const TOPIC_IDS = Object.keys(TOPICS) as TopicId[];

/** The concrete topic names a running process uses, after env overrides. */
export type TopicNames = Readonly<Record<TopicId, string>>;

export const DEFAULT_TOPIC_NAMES: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, TOPICS[id].defaultName])) as Record<TopicId, string>;

/**
 * The headers of a record parked on the dead-letter topic: its value and key are the original
 * record's, unchanged, and these say where it came from and why it was parked.
 */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'x-source-topic',
  sourcePartition: 'x-source-partition',
  sourceOffset: 'x-source-offset',
  consumerGroup: 'x-consumer-group',
  reason: 'x-reason',
} as const;
