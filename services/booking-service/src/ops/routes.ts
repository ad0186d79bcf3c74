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
  {
    $id: 'BookingHistory',
    description: "A booking's whole event stream, as the event store holds it.",
    examples: [
      {
        booking_id: '3f2b8c1a-7d4e-4b6f-9a0c-5e1d2f3a4b5c',
        events: [
          {
            event_id: '0b6e2f4a-1c3d-4e5f-8a9b-7c6d5e4f3a2b',
            version: 1,
            type: 'BookingRequested',
            occurred_at: '2026-05-04T09:30:00.000Z',
            data: {
              booking_id: '3f2b8c1a-7d4e-4b6f-9a0c-5e1d2f3a4b5c',
              user_id: '5b0f7c1e-2a4d-4f3b-9c8e-1d2e3f4a5b6c',
              pickup: { lat: 12.9716, lng: 77.5946, address: 'MG Road, Bengaluru' },
              dropoff: { lat: 12.9352, lng: 77.6245, address: 'Koramangala, Bengaluru' },
              estimated_cost: 142.5,
              expires_at: '2026-05-04T09:32:00.000Z',
            },
          },
          {
            event_id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
            version: 2,
            type: 'BookingAccepted',
            occurred_at: '2026-05-04T09:30:41.000Z',
            data: {
              booking_id: '3f2b8c1a-7d4e-4b6f-9a0c-5e1d2f3a4b5c',
              user_id: '5b0f7c1e-2a4d-4f3b-9c8e-1d2e3f4a5b6c',
              driver_id: '7e6d5c4b-3a2f-4e1d-9c0b-8a7f6e5d4c3b',
            },
          },
        ],
      },
    ],
  },
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
