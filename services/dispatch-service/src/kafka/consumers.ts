import { randomUUID } from 'node:crypto';
import { TopicConsumer, type KafkaRuntime, type Logger } from '@rideline/kafka';
import type { LogRecord } from '../domain/index.ts';
import type { OwnedTopic, Ownership } from './ownership.ts';

export type StateTopic = LogRecord['topic'];
const STATE_TOPICS: readonly StateTopic[] = ['driverLocations', 'bookingEvents', 'dispatchOffers'];

/**
 * Reads all of driver.locations, booking.events and dispatch.offers, from the beginning, into the
 * process's state. Every instance needs every record (any driver may be offered any booking),
 * so this is a replay consumer: a group of its own, `<group>.picture.<uuid>` (the name operators
 * know from docs/REPLAY.md, kept), made afresh at each start and never committing, which is how state is rebuilt. A record that does not decode is
 * skipped here (the group member below parks it once for the shared group); one that decodes but
 * cannot be folded (a bug) is logged and skipped. Nothing blocks a partition.
 */
export function stateConsumer(options: {
  readonly runtime: KafkaRuntime;
  /** The shared group id; the state consumer's own group is derived from it. */
  readonly groupId: string;
  readonly logger: Logger;
  /** A valid record, in partition order; the consumer's `caughtUp` says whether the replay is done. */
  readonly onRecord: (record: LogRecord) => void;
  readonly onUndecodable: (topic: StateTopic) => void;
}): TopicConsumer<StateTopic> {
  return new TopicConsumer<StateTopic>({
    runtime: options.runtime,
    groupId: `${options.groupId}.picture.${randomUUID()}`,
    topics: STATE_TOPICS,
    mode: { kind: 'replay' },
    undecodable: 'skip',
    logger: options.logger,
    handle: options.onRecord,
    onUndecodable: (at) => options.onUndecodable(at.topic),
  });
}

/** How much the group member's fetches wait for (see `groupMember`). */
const MEMBER_FETCH_MIN_BYTES = 1024 * 1024;
/** Within the group's 3 s rebalance timeout, so a rebalance still finds the member in time. */
const MEMBER_FETCH_MAX_WAIT_MS = 500;
/**
 * kafkajs commits after every partition batch (17 OffsetCommit requests a second at 10,000
 * drivers and 30 rides/s, for a member that handles nothing); what the member has looked at only
 * decides what a crashed member's successor parks again, so once every few seconds is enough.
 */
const MEMBER_COMMIT_EVERY_MS = 5_000;

/**
 * This instance's member of the shared, durable group (DISPATCH_CONSUMER_GROUP) on the same three
 * topics. The state consumer does the reading; this member is how the instances split the work:
 * the group's assignment says which partitions this one acts for. It is also the one reader that
 * parks undecodable records on the dead-letter topic, once per group (its committed offsets say
 * what it has looked at; after a crash, what it looked at since its last commit, a few seconds,
 * is looked at again and may be parked twice), and it commits and leaves the group on shutdown,
 * so its partitions move at once. A crashed instance's partitions move after GROUP_TIMING's 10 s session.
 */
export function groupMember(options: {
  readonly runtime: KafkaRuntime;
  readonly groupId: string;
  readonly logger: Logger;
  readonly ownership: Ownership;
  /** After each assignment (the first one and every rebalance). */
  readonly onAssigned: () => void;
  /** Told of each record it parked on the dead-letter topic (the dead-letter metric). */
  readonly onDeadLettered?: (parked: { readonly group: string; readonly topic: string }) => void;
}): TopicConsumer<OwnedTopic> {
  return new TopicConsumer<OwnedTopic>({
    runtime: options.runtime,
    groupId: options.groupId,
    topics: STATE_TOPICS,
    mode: { kind: 'shared' },
    undecodable: 'park',
    logger: options.logger,
    handle: () => {},
    // Nothing waits on what the member reads (it only parks undecodable records), and kafkajs
    // commits after every partition batch it hands over: fetching as soon as anything arrived
    // made it the service's largest source of Kafka requests (at 10,000 drivers and 30 rides/s,
    // ~440 Fetch and ~530 other requests a second, nearly all OffsetCommit). Full fetches every
    // half second instead.
    fetch: { minBytes: MEMBER_FETCH_MIN_BYTES, maxWaitMs: MEMBER_FETCH_MAX_WAIT_MS },
    commitEveryMs: MEMBER_COMMIT_EVERY_MS,
    onUndecodable: (at) => options.onDeadLettered?.({ group: options.groupId, topic: options.runtime.topics[at.topic] }),
    onRevoked: () => options.ownership.revoke(),
    onAssigned: (assignment) => {
      options.ownership.assign(assignment);
      options.logger.info(
        { group: options.groupId, assignment: Object.fromEntries([...assignment].map(([t, p]) => [t, [...p]])) },
        'joined the dispatch group',
      );
      options.onAssigned();
    },
  });
}
