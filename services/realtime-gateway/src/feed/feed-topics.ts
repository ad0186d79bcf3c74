import type { ConsumedRecord } from '@rideline/kafka';

/** The topics the projection is folded from. */
export const BOOKING_FEED_TOPICS = ['bookingEvents', 'bookingNotifications', 'dispatchOffers'] as const;
/** Read by a feed of its own, so a backlog of booking events never delays a revocation. */
export const REVOCATION_FEED_TOPICS = ['identityRevocations'] as const;
export type BookingFeedTopic = (typeof BOOKING_FEED_TOPICS)[number];
export type FeedTopic = BookingFeedTopic | (typeof REVOCATION_FEED_TOPICS)[number];

/** What the feeds hand on: the record's topic and its decoded message (position and key unused). */
export type FeedRecord<T extends FeedTopic = BookingFeedTopic> = { [K in T]: Pick<ConsumedRecord<K>, 'topic' | 'message'> }[T];
