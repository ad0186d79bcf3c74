import Type, { type Static } from 'typebox';
import { envelopeSchema } from './envelope.ts';
import { Id, Timestamp } from './shared-shapes.ts';

/**
 * `identity.revocations`, keyed by principal (`user:<id>`, `driver:<id>` or `operator:<id>`): a login session
 * (one refresh-token family, the `sid` claim of its access tokens) ended before its tokens
 * expired, by logout or because a rotated refresh token was presented again. Every access token
 * carrying that `sid` is refused from then on, and sockets opened with one are closed.
 * `tokens_valid_until` is the latest `exp` such a token can have: after it the record is moot.
 * `version` is 1: a revocation is a one-event stream.
 */
/** Why a login session ended early. */
export const SessionRevocationReason = Type.Union([Type.Literal('logout'), Type.Literal('refresh_token_reuse')]);
export type SessionRevocationReason = Static<typeof SessionRevocationReason>;

export const SessionRevoked = envelopeSchema(
  'SessionRevoked',
  Type.Object({
    principal_kind: Type.Union([Type.Literal('user'), Type.Literal('driver'), Type.Literal('operator')]),
    principal_id: Id,
    session_id: Id,
    reason: SessionRevocationReason,
    revoked_at: Timestamp,
    tokens_valid_until: Timestamp,
  }),
);

export const IdentityRevocation = Type.Union([SessionRevoked]);
export type IdentityRevocation = Static<typeof IdentityRevocation>;

/** The record key of a principal's revocations: one principal's records stay ordered. */
export const principalKey = (kind: 'user' | 'driver' | 'operator', id: string): string => `${kind}:${id}`;
