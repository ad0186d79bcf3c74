import Type, { type Static, type TSchema } from 'typebox';

/**
 * The JSON envelope of every record value (API.md): `version` is the event's position in its
 * aggregate's stream, `event_id` is what consumers de-duplicate on.
 */
export const envelopeSchema = <Name extends string, Data extends TSchema>(name: Name, data: Data) =>
  Type.Object(
    {
      event_id: Type.String({ format: 'uuid' }),
      type: Type.Literal(name),
      version: Type.Integer({ minimum: 1 }),
      occurred_at: Type.String({ format: 'date-time' }),
      data,
    },
    { $id: name },
  );

export const EnvelopeHeader = Type.Object({
  event_id: Type.String({ format: 'uuid' }),
  type: Type.String({ minLength: 1 }),
  version: Type.Integer({ minimum: 1 }),
  occurred_at: Type.String({ format: 'date-time' }),
  data: Type.Unknown(),
});
export type EnvelopeHeader = Static<typeof EnvelopeHeader>;

export interface Envelope<Name extends string = string, Data = unknown> {
  readonly event_id: string;
  readonly type: Name;
  readonly version: number;
  readonly occurred_at: string;
  readonly data: Data;
}
