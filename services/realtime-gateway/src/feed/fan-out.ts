import type { Projection, Applied } from '../domain/projection.ts';
import type { SocketHub } from '../sockets/hub.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { FeedRecord } from './event-feed.ts';

/**
 * From a record to socket writes: the projection decides who is owed what; each message is
 * serialised once, and only if a socket of its principal is open on this instance.
 */
export function fanOut(projection: Projection, hub: SocketHub, metrics: GatewayMetrics) {
  return (record: FeedRecord): void => {
    let applied: Applied;
    switch (record.topic) {
      case 'bookingEvents':
        applied = projection.applyBookingEvent(record.message);
        break;
      case 'bookingNotifications':
        applied = projection.applyNotification(record.message);
        break;
      case 'dispatchOffers':
        applied = projection.applyOffer(record.message);
        break;
      default:
        return record satisfies never;
    }
    metrics.records.inc({ topic: record.topic, outcome: applied.ignored === undefined ? 'applied' : 'ignored' });
    if (applied.deliveries.length === 0) return;
    const occurredAtMs = Date.parse(record.message.occurred_at);
    for (const { endpoint, principalId, message } of applied.deliveries) {
      if (!hub.has(endpoint, principalId)) continue;
      hub.deliver(endpoint, principalId, JSON.stringify(message), message.type, occurredAtMs);
    }
  };
}
