import Type, { type Static } from 'typebox';

export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });

export const Place = Type.Object({
  lat: Latitude,
  lng: Longitude,
  address: Type.String({ minLength: 1, maxLength: 500 }),
});
export type Place = Static<typeof Place>;

export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Timestamp = Type.String({ format: 'date-time' });
