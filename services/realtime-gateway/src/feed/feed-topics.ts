import type { ConsumedRecord } from '@rideline/kafka';

/** The topics the projection is folded from. */
export const BOOKING_FEED_TOPICS = ['bookingEvents', 'bookingNotifications', 'dispatchOffers'] as const;
/**
 * With the operator stream on, the same feed reads the drivers' positions and states too: every
 * instance that has it on reads all of driver.locations (OPS_STREAM_ENABLED, off by default).
 */
export const OPS_FEED_TOPICS = [...BOOKING_FEED_TOPICS, 'driverLocations'] as const;
/** Read by a feed of its own, so a backlog of booking events never delays a revocation. */
export const REVOCATION_FEED_TOPICS = ['identityRevocations'] as const;
export type BookingFeedTopic = (typeof OPS_FEED_TOPICS)[number];
type FeedTopic = BookingFeedTopic | (typeof REVOCATION_FEED_TOPICS)[number];

/** What the feeds hand on: the record's topic and its decoded message (position and key unused). */
export type FeedRecord<T extends FeedTopic = BookingFeedTopic> = { [K in T]: Pick<ConsumedRecord<K>, 'topic' | 'message'> }[T];
