import { Latitude, Longitude } from '@rideline/contracts';
import Type from 'typebox';

/** Request and reply schemas of the driver routes; requests refuse unknown fields. */
const closed = { additionalProperties: false } as const;

export const MAX_NEARBY_RADIUS_M = 50_000;
export const MAX_NEARBY_DRIVERS = 50;

export const LocationBody = Type.Object({ lat: Latitude, lng: Longitude }, closed);
export const AvailabilityBody = Type.Object({ available: Type.Boolean() }, closed);

export const NearbyQuery = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    radius_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_NEARBY_RADIUS_M })),
  },
  closed,
);

export const NearbyReply = Type.Object({
  drivers: Type.Array(Type.Object({ driver_id: Type.String(), distance_m: Type.Number() }), { maxItems: MAX_NEARBY_DRIVERS }),
});

export const ErrorReply = Type.Object({ success: Type.Literal(false), message: Type.String(), code: Type.String() });
export const NoContent = Type.Null({ description: 'Recorded' });
