import { bearerAuth, commonRefusals, errorReplies, schemaRef, withRetryAfter, type Refusal, type ServiceApp } from '@rideline/service-kit';
import type { FastifyRequest } from 'fastify';
import type { NearbyDriver } from '../domain/index.ts';
import type { DriverReport } from '../drivers/intake.ts';
import { authenticate, principalOf, RIDE_PRINCIPAL_KINDS } from '@rideline/auth';
import { dispatchErrors } from './errors.ts';
import { perPrincipal } from './rate-limit.ts';
import { AvailabilityBody, driverSchemas, LocationBody, MAX_NEARBY_DRIVERS, NearbyQuery, NearbyReply, NoContent } from './schemas.ts';

export interface DriverRoutesDeps {
  /** Publishes a driver's report and folds it into the state. */
  readonly report: (driverId: string, report: DriverReport) => Promise<void>;
  /**
   * The nearest eligible drivers by their coarse positions (DriverRegistry.nearestCoarse), nearest
   * first: never anything computed from an exact position.
   */
  readonly nearby: (lat: number, lng: number, radiusM: number, limit: number) => readonly NearbyDriver[];
  readonly defaultRadiusM: number;
  /** GET /drivers/nearby requests per principal per minute. */
  readonly nearbyPerMinute: number;
}

/**
 * Distances (already from the centre of the driver's ~200 m cell) are rounded to this: the cell
 * is what protects the position; the rounding only keeps the numbers honest about their precision.
 */
const NEARBY_DISTANCE_STEP_M = 100;

const shown = (factory: () => { code: string; message: string }): Refusal => {
  const { code, message } = factory();
  return { code, message };
};
const keysNotLoaded = shown(dispatchErrors.KEYS_NOT_LOADED);
/** The refusals of a driver's report (location or availability), then of the nearby query. */
const reportReplies = errorReplies({
  400: [commonRefusals.validation],
  401: [commonRefusals.unauthorized],
  403: [{ code: 'FORBIDDEN', message: 'Only drivers can do this.' }],
  503: [shown(dispatchErrors.NOT_RECORDED), keysNotLoaded],
});
const nearbyReplies = {
  ...errorReplies({
    400: [commonRefusals.validation],
    401: [commonRefusals.unauthorized],
    403: [{ code: 'FORBIDDEN', message: 'Only riders and drivers can do this.' }],
    503: [keysNotLoaded],
  }),
  429: withRetryAfter(errorReplies({ 429: [{ code: 'TOO_MANY_REQUESTS', message: 'Too many requests; retry in 12 s.' }] })[429]),
};
const doc = { tags: ['drivers'], security: bearerAuth };
const driversOnly = authenticate({ kinds: ['driver'], forbidden: 'Only drivers can do this.' });
// Operators watch the fleet on the ops console, not through the rider and driver API.
const ridersAndDrivers = authenticate({ kinds: RIDE_PRINCIPAL_KINDS, forbidden: 'Only riders and drivers can do this.' });

/** PUT /drivers/me/location, PUT /drivers/me/availability and GET /drivers/nearby (API.md, Drivers). */
export function installDriverRoutes(app: ServiceApp, deps: DriverRoutesDeps): void {
  for (const schema of driverSchemas) app.addSchema(schema);
  const record = async (driverId: string, report: DriverReport) => {
    try {
      await deps.report(driverId, report);
    } catch (error) {
      app.log.warn({ err: error, driverId }, 'could not publish a driver report');
      throw dispatchErrors.NOT_RECORDED();
    }
  };

  app.put(
    '/drivers/me/location',
    {
      onRequest: driversOnly,
      schema: {
        ...doc,
        operationId: 'updateDriverLocation',
        summary: "Report the driver's position",
        description:
          'Drivers only. Offers go to available drivers that reported a location in the last 60 s; ' +
          'a driver may also send it over its open socket as `{"type": "location", "lat", "lng"}`.',
        body: schemaRef(LocationBody),
        response: { 204: NoContent, ...reportReplies },
      },
    },
    async (request, reply) => {
      await record(principalOf(request).id, { location: { lat: request.body.lat, lng: request.body.lng } });
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/drivers/me/availability',
    {
      onRequest: driversOnly,
      schema: {
        ...doc,
        operationId: 'updateDriverAvailability',
        summary: 'Go online or offline',
        description: 'Drivers only. Only available drivers are offered bookings.',
        body: schemaRef(AvailabilityBody),
        response: { 204: NoContent, ...reportReplies },
      },
    },
    async (request, reply) => {
      await record(principalOf(request).id, { available: request.body.available });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/drivers/nearby',
    {
      onRequest: ridersAndDrivers,
      preValidation: async (request) => numbersFromQuery(request, ['lat', 'lng', 'radius_m']),
      config: perPrincipal(deps.nearbyPerMinute),
      schema: {
        ...doc,
        operationId: 'listNearbyDrivers',
        summary: 'Available drivers near a point',
        description:
          "Any authenticated rider or driver. Distances are to the centre of each driver's ~200 m grid cell, so no exact position is revealed. " +
          'Limited per principal (429 `TOO_MANY_REQUESTS` with `Retry-After`); answers carry `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset`.',
        querystring: NearbyQuery,
        response: { 200: schemaRef(NearbyReply, { description: 'The nearest available drivers.' }), ...nearbyReplies },
      },
    },
    async (request) => {
      const { lat, lng, radius_m: radiusM = deps.defaultRadiusM } = request.query;
      const drivers = deps.nearby(lat, lng, radiusM, MAX_NEARBY_DRIVERS).map((driver) => ({
        driver_id: driver.driverId,
        distance_m: Math.round(driver.distanceM / NEARBY_DISTANCE_STEP_M) * NEARBY_DISTANCE_STEP_M,
      }));
      return { drivers };
    },
  );
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Query strings are text and the app's validator does not coerce types, so the numeric fields
 * are turned into numbers here; anything else is left for the schema to refuse, naming the field.
 */
function numbersFromQuery(request: FastifyRequest, fields: readonly string[]): void {
  const query = request.query as Record<string, unknown>;
  for (const field of fields) {
    const value = query[field];
    if (typeof value === 'string' && NUMBER.test(value)) query[field] = Number(value);
  }
}
