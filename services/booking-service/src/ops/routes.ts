import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { bearerAuth, commonRefusals, errorReplies, schemaRef, ServiceError } from '@rideline/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import type { RecordedEvent } from '../bookings/event-store.ts';
import { authenticate } from '../identity/index.ts';

export interface OpsRoutesDeps {
  /** A booking's stream from the event store, oldest first (empty when there is no such booking). */
  readonly history: (bookingId: string) => Promise<readonly RecordedEvent[]>;
}

const BookingParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const BookingHistoryReply = Type.Object(
  {
    booking_id: Type.String(),
    events: Type.Array(
      Type.Object({
        event_id: Type.String(),
        version: Type.Integer({ description: "Position in the booking's stream, from 1." }),
        type: Type.String({ description: 'BookingRequested, BookingAccepted, OtpIssued, OtpRejected, TripStarted, ...' }),
        occurred_at: Type.String({ format: 'date-time' }),
        data: Type.Record(Type.String(), Type.Unknown(), { description: 'The event as stored, secrets (the OTP hash) left out.' }),
      }),
    ),
  },
  { $id: 'BookingHistory', description: "A booking's whole event stream, as the event store holds it." },
);

/** Fields an operator never sees, even in history: the OTP's hash can be brute-forced offline. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['otp_hash']);

const visible = (data: object): Record<string, unknown> => Object.fromEntries(Object.entries(data).filter(([key]) => !SECRET_FIELDS.has(key)));

/**
 * Routes for operators only (the ops console): a booking's history read from the event store,
 * the source `booking.events` is published from, so it includes the events never published
 * (OTP issued, wrong OTPs) and does not depend on the topic's retention.
 */
export const opsRoutes: FastifyPluginAsync<OpsRoutesDeps> = async (instance, deps) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/ops/bookings/:id/events',
    {
      onRequest: authenticate({ kinds: ['operator'] }),
      schema: {
        tags: ['ops'],
        security: bearerAuth,
        operationId: 'getBookingHistory',
        summary: "A booking's event history (operators only)",
        description: 'Every event of the booking, oldest first. Rider and driver tokens: 403. Unknown booking: 404 `BOOKING_NOT_FOUND`.',
        params: BookingParams,
        response: {
          200: schemaRef(BookingHistoryReply, { description: "The booking's events." }),
          ...errorReplies({
            400: [commonRefusals.validation],
            401: [commonRefusals.unauthorized],
            403: [commonRefusals.forbidden],
            404: [{ code: 'BOOKING_NOT_FOUND', message: 'Booking not found.' }],
            503: [commonRefusals.dependencyDown],
          }),
        },
      },
    },
    async (request) => {
      const events = await deps.history(request.params.id);
      if (events.length === 0) throw new ServiceError(404, 'BOOKING_NOT_FOUND', 'Booking not found.');
      return {
        booking_id: request.params.id,
        events: events.map(({ eventId, version, event }) => ({
          event_id: eventId,
          version,
          type: event.type,
          occurred_at: event.occurredAt,
          data: visible(event.data),
        })),
      };
    },
  );
};
