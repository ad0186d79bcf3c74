import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ServiceError } from '@rideline/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { estimateFare, type Tariff } from '../domain/fare.ts';
import { authenticate, principalOf } from '../identity/index.ts';
import { ErrorReply } from '../identity/schemas.ts';
import type { BookingCommands } from './booking-commands.ts';
import type { BookingQueries } from './booking-queries.ts';
import { BookingStatusSchema, BookingView, PlaceBody, bookingView } from './booking-view.ts';
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
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

export const bookingRoutes: FastifyPluginAsync<BookingRoutesDeps> = async (instance, deps) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/bookings',
    {
      onRequest: authenticate('user'),
      schema: {
        body: Type.Object({ pickup: PlaceBody, dropoff: PlaceBody }, { additionalProperties: false }),
        response: { 201: BookingView, ...errors },
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
    { onRequest: authenticate(), schema: { params: BookingParams, response: { 200: BookingView, ...errors } } },
    async (request) => {
      const booking = await deps.queries.byId(request.params.id);
      if (!booking) throw new ServiceError(404, 'BOOKING_NOT_FOUND', 'Booking not found.');
      const principal = principalOf(request);
      const owner = principal.kind === 'user' ? booking.user_id : booking.driver_id;
      if (owner !== principal.id) throw new ServiceError(403, 'NOT_YOUR_BOOKING', 'This booking is not yours.');
      return booking;
    },
  );

  app.get(
    '/bookings',
    {
      onRequest: authenticate(),
      schema: {
        querystring: Type.Object(
          {
            status: Type.Optional(BookingStatusSchema),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ bookings: Type.Array(BookingView) }), ...errors },
      },
    },
    async (request) => ({
      bookings: await deps.queries.visibleTo(principalOf(request), request.query.status, request.query.limit ?? 50),
    }),
  );

  const now = () => deps.now().toISOString();

  app.post(
    '/bookings/:id/accept',
    {
      onRequest: authenticate('driver'),
      // 503 OFFERS_LAGGING: dispatch's offers could not be read up to date in time (retry).
      schema: { params: BookingParams, response: { 200: BookingView, 503: ErrorReply, ...errors } },
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
      onRequest: authenticate('driver'),
      schema: {
        params: BookingParams,
        body: Type.Object({ otp: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
        response: { 200: BookingView, 422: ErrorReply, 429: ErrorReply, ...errors },
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
    { onRequest: authenticate('driver'), schema: { params: BookingParams, response: { 200: BookingView, ...errors } } },
    async (request) =>
      bookingView(
        await deps.commands.execute(request.params.id, { type: 'CompleteTrip', driverId: principalOf(request).id, now: now() }),
      ),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      onRequest: authenticate(),
      // The body is optional: a bare POST cancels without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        params: BookingParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: BookingView, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
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
