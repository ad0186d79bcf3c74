import { Latitude, Longitude } from '@rideline/contracts';
import Type from 'typebox';

/** Request and reply schemas of the driver routes; requests refuse unknown fields. */
const closed = { additionalProperties: false } as const;

const MAX_NEARBY_RADIUS_M = 50_000;
export const MAX_NEARBY_DRIVERS = 50;

export const LocationBody = Type.Object({ lat: Latitude, lng: Longitude }, { ...closed, $id: 'DriverLocation', examples: [{ lat: 12.9716, lng: 77.5946 }] });
export const AvailabilityBody = Type.Object({ available: Type.Boolean() }, { ...closed, $id: 'DriverAvailability', examples: [{ available: true }] });

export const NearbyQuery = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    radius_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_NEARBY_RADIUS_M })),
  },
  closed,
);

export const NearbyReply = Type.Object(
  {
    drivers: Type.Array(
      Type.Object({
        driver_id: Type.String(),
        distance_m: Type.Number({ description: "From the query point to the centre of the driver's ~200 m grid cell, rounded to 100 m." }),
      }),
      { maxItems: MAX_NEARBY_DRIVERS },
    ),
  },
  {
    $id: 'NearbyDrivers',
    description: 'Nearest first (ties by `driver_id`), at most 50; never an exact position.',
    examples: [{ drivers: [{ driver_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', distance_m: 300 }] }],
  },
);

export const NoContent = Type.Null({ description: 'Recorded; no body.' });

/** The named components of the driver routes, added once to the app (`app.addSchema`). */
export const driverSchemas = [LocationBody, AvailabilityBody, NearbyReply];
