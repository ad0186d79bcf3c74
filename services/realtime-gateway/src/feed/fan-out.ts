import type { BookingNotification } from '@rideline/contracts';
import type { Logger } from '@rideline/kafka';
import { inSpan, SpanKind, tracingActive } from '@rideline/telemetry';
import type { OpsBoard } from '../domain/ops-board.ts';
import type { Projection, Applied, OtpNotice } from '../domain/projection.ts';
import type { SocketHub } from '../sockets/hub.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { FeedRecord } from './feed-topics.ts';

export interface FanOutDeps {
  readonly projection: Projection;
  readonly hub: SocketHub;
  readonly metrics: GatewayMetrics;
  /** Opens a notice's sealed OTP (`openOtpNotice` with the configured key); null if it does not open. */
  readonly openNotice: (notice: BookingNotification) => OtpNotice | null;
  readonly logger: Logger;
  /** The operator stream's board, when it is on: it sees every record too. */
  readonly ops?: OpsBoard;
}

/**
 * From a record to socket writes: the projection decides who is owed what; each message is
 * serialised once, and only if a socket of its principal is open on this instance.
 *
 * An OTP notice that does not open (another key, tampered) is counted
 * (`rideline_gateway_records_total{outcome="unopenable"}`), logged and dropped, never delivered. It is not
 * parked on the dead-letter topic, for the reason undecodable records are not (`UndecodablePolicy` in @rideline/kafka):
 * every instance replays the topics at every start and would park it again each time.
 */
export function fanOut({ projection, hub, metrics, openNotice, logger, ops }: FanOutDeps) {
  return (record: FeedRecord): void => {
    let applied: Applied;
    switch (record.topic) {
      case 'bookingEvents':
        ops?.applyBookingEvent(record.message);
        applied = projection.applyBookingEvent(record.message);
        break;
      case 'bookingNotifications': {
        const notice = openNotice(record.message);
        if (notice === null) {
          metrics.records.inc({ topic: record.topic, outcome: 'unopenable' });
          const { event_id: eventId, data } = record.message;
          logger.warn(
            { eventId, bookingId: data.booking_id, userId: data.user_id },
            'dropping an OTP notice that does not open with OTP_NOTICE_KEY (another key, or tampered)',
          );
          return;
        }
        applied = projection.applyNotification(notice);
        break;
      }
      case 'dispatchOffers':
        ops?.applyOffer(record.message);
        applied = projection.applyOffer(record.message);
        break;
      case 'driverLocations':
        // Only operators see positions; riders and drivers get nothing from them here.
        ops?.applyLocation(record.message);
        metrics.recordRead(record.topic, ops ? 'applied' : 'ignored');
        return;
      default:
        record satisfies never;
        return;
    }
    metrics.recordRead(record.topic, applied.ignored === undefined ? 'applied' : 'ignored');
    let occurredAtMs: number | undefined;
    for (const { endpoint, principalId, message } of applied.deliveries) {
      if (!hub.has(endpoint, principalId)) continue;
      const at = (occurredAtMs ??= Date.parse(record.message.occurred_at));
      const json = JSON.stringify(message);
      if (!tracingActive()) {
        hub.deliver(endpoint, principalId, json, message.type, at);
        continue;
      }
      // A child of the record's consumer span. Only when tracing is on: the span's name, options
      // and closure would otherwise be allocated for every delivery only to be dropped.
      inSpan(
        `socket send ${message.type}`,
        { kind: SpanKind.PRODUCER, requireParent: true, attributes: { 'rideline.endpoint': endpoint, 'rideline.message.type': message.type } },
        () => hub.deliver(endpoint, principalId, json, message.type, at),
      );
    }
  };
}
