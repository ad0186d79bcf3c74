import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RIDE_PRINCIPAL_KINDS } from '@rideline/auth';
import { BookingStatus } from '@rideline/contracts';
import { bearerAuth, schemaRef, ServiceError } from '@rideline/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { estimateFare, type Tariff } from '../domain/fare.ts';
import { authenticate, principalOf, ridePrincipalOf } from '../identity/index.ts';
import type { BookingCommands } from './booking-commands.ts';
import type { BookingQueries } from './booking-queries.ts';
import { BookingList, BookingView, CancelBody, PlaceBookingBody, StartTripBody, bookingView } from './booking-view.ts';
import { bookingReplies } from './refusals.ts';
import { generateOtp, type OtpHasher } from './otp.ts';

export interface BookingRoutesDeps {
  readonly commands: BookingCommands;
  readonly queries: BookingQueries;
  readonly otp: OtpHasher;
  readonly tariff: Tariff;
  readonly pendingTimeoutSeconds: number;
  readonly now: () => Date;
}

const BookingParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const booking = (description: string) => schemaRef(BookingView, { description });
/** OpenAPI metadata every booking route shares. */
const doc = { tags: ['bookings'], security: bearerAuth };

export const bookingRoutes: FastifyPluginAsync<BookingRoutesDeps> = async (instance, deps) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/bookings',
    {
      onRequest: authenticate({ kinds: ['user'] }),
      schema: {
        ...doc,
        operationId: 'createBooking',
        summary: 'Request a ride',
        description:
          'A rider books a ride from pickup to dropoff; the booking is `pending` with an estimated cost until a driver accepts or it expires. ' +
          '409 `RIDER_HAS_ACTIVE_BOOKING` while the rider holds as many active bookings as allowed. Riders only (a driver token: 403).',
        body: schemaRef(PlaceBookingBody),
        response: { 201: booking('The booking, `pending`.'), ...bookingReplies.place },
      },
    },
    async (request, reply) => {
      const { pickup, dropoff } = request.body;
      const now = deps.now();
      const bookingId = randomUUID();
      const booking = await deps.commands.request({
        type: 'RequestBooking',
        bookingId,
        userId: principalOf(request).id,
        pickup,
        dropoff,
        estimatedCost: estimateFare(pickup, dropoff, deps.tariff),
        expiresAt: new Date(now.getTime() + deps.pendingTimeoutSeconds * 1000).toISOString(),
        now: now.toISOString(),
      });
      return reply.code(201).send(bookingView(booking));
    },
  );

  app.get(
    '/bookings/:id',
    {
      onRequest: authenticate({ kinds: RIDE_PRINCIPAL_KINDS }),
      schema: {
        ...doc,
        operationId: 'getBooking',
        summary: 'One booking',
        description: 'Its rider or its driver only (anyone else: 403 `NOT_YOUR_BOOKING`).',
        params: BookingParams,
        response: { 200: booking('The booking.'), ...bookingReplies.get },
      },
    },
    async (request) => {
      const booking = await deps.queries.byId(request.params.id);
      if (!booking) throw new ServiceError(404, 'BOOKING_NOT_FOUND', 'Booking not found.');
      const principal = ridePrincipalOf(request);
      const owner = principal.kind === 'user' ? booking.user_id : booking.driver_id;
      if (owner !== principal.id) throw new ServiceError(403, 'NOT_YOUR_BOOKING', 'This booking is not yours.');
      return booking;
    },
  );

  app.get(
    '/bookings',
    {
      onRequest: authenticate({ kinds: RIDE_PRINCIPAL_KINDS }),
      schema: {
        ...doc,
        operationId: 'listBookings',
        summary: 'My bookings',
        description: "A rider's own bookings, or those assigned to a driver, newest first, optionally of one status.",
        querystring: Type.Object(
          {
            status: Type.Optional(BookingStatus),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: schemaRef(BookingList, { description: 'The bookings.' }), ...bookingReplies.list },
      },
    },
    async (request) => ({
      bookings: await deps.queries.visibleTo(ridePrincipalOf(request), request.query.status, request.query.limit ?? 50),
    }),
  );

  const now = () => deps.now().toISOString();

  app.post(
    '/bookings/:id/accept',
    {
      onRequest: authenticate({ kinds: ['driver'] }),
      // 503 OFFERS_LAGGING: dispatch's offers could not be read up to date in time (retry).
      schema: {
        ...doc,
        operationId: 'acceptBooking',
        summary: 'Accept a booking (driver)',
        description:
          'The first driver to accept a pending booking that dispatch offered them gets it; the rider receives the OTP on its socket. ' +
          '403 `NOT_OFFERED` if it was never offered to this driver; 409 `BOOKING_TAKEN`, `BOOKING_NOT_PENDING` or `DRIVER_BUSY`; ' +
          '503 `OFFERS_LAGGING` (retry) when the offer could not be confirmed in time. No body.',
        params: BookingParams,
        response: { 200: booking('The booking, `accepted`, with `driver_id` set.'), ...bookingReplies.accept },
      },
    },
    async (request) => {
      const bookingId = request.params.id;
      const otp = generateOtp();
      const command = { type: 'AcceptBooking', driverId: principalOf(request).id, otpHash: deps.otp.hash(bookingId, otp), now: now() } as const;
      return bookingView(await deps.commands.accept(bookingId, command, otp));
    },
  );

  app.post(
    '/bookings/:id/start',
    {
      onRequest: authenticate({ kinds: ['driver'] }),
      schema: {
        ...doc,
        operationId: 'startTrip',
        summary: "Start the trip with the rider's OTP (driver)",
        description: 'Its driver only. 422 `WRONG_OTP`; after 5 wrong tries 429 `OTP_ATTEMPTS_EXHAUSTED`.',
        params: BookingParams,
        body: schemaRef(StartTripBody),
        response: { 200: booking('The booking, `on_trip`.'), ...bookingReplies.start },
      },
    },
    async (request) => {
      const bookingId = request.params.id;
      const command = {
        type: 'StartTrip',
        driverId: principalOf(request).id,
        otpHash: deps.otp.hash(bookingId, request.body.otp.trim()),
        now: now(),
      } as const;
      return bookingView(await deps.commands.execute(bookingId, command));
    },
  );

  app.post(
    '/bookings/:id/complete',
    {
      onRequest: authenticate({ kinds: ['driver'] }),
      schema: {
        ...doc,
        operationId: 'completeTrip',
        summary: 'Complete the trip (driver)',
        description: 'Its driver only, once the trip is on. No body.',
        params: BookingParams,
        response: { 200: booking('The booking, `completed`.'), ...bookingReplies.complete },
      },
    },
    async (request) => bookingView(await deps.commands.execute(request.params.id, { type: 'CompleteTrip', driverId: principalOf(request).id, now: now() })),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      onRequest: authenticate({ kinds: RIDE_PRINCIPAL_KINDS }),
      // The body is optional: a bare POST cancels without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        ...doc,
        operationId: 'cancelBooking',
        summary: 'Cancel a booking',
        description: 'Its rider, or its driver before the trip starts; the body (a reason) is optional.',
        params: BookingParams,
        body: { ...schemaRef(CancelBody), description: 'Optional: a bare POST cancels without a reason.' },
        response: { 200: booking('The booking, `cancelled`.'), ...bookingReplies.cancel },
      },
    },
    async (request) => {
      const principal = ridePrincipalOf(request);
      const command = {
        type: 'CancelBooking',
        actor: { kind: principal.kind, id: principal.id },
        reason: request.body.reason ?? null,
        now: now(),
      } as const;
      return bookingView(await deps.commands.execute(request.params.id, command));
    },
  );
};
