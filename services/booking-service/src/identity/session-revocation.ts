import { randomUUID } from 'node:crypto';
import { principalKey, type SessionRevocationReason, type TopicMessage } from '@rideline/contracts';
import type { Principal } from '@rideline/auth';
import type { Prisma } from '../generated/prisma/client.ts';
import { queueInOutbox, type OutboxTarget } from '../outbox/outbox-writer.ts';

/** Where revocations go: the `identity.revocations` topic, through the outbox. */
export interface RevocationOutbox extends OutboxTarget {
  /** Lifetime of the session's access tokens: how long after its last refresh one can live. */
  readonly accessTokenTtlSeconds: number;
}

/**
 * The SessionRevoked record of a session whose newest token pair was issued at `lastIssuedAt`:
 * every access token of the session expires by then + the access-token lifetime (rounded up
 * to the second, as `exp` is). An access-token lifetime lowered since that issue only makes
 * this later than needed.
 */
export function sessionRevoked(
  principal: Principal,
  sessionId: string,
  reason: SessionRevocationReason,
  revokedAt: Date,
  lastIssuedAt: Date,
  accessTokenTtlSeconds: number,
): TopicMessage<'identityRevocations'> {
  const validUntil = (Math.ceil(lastIssuedAt.getTime() / 1000) + accessTokenTtlSeconds) * 1000;
  return {
    event_id: randomUUID(),
    type: 'SessionRevoked',
    version: 1,
    occurred_at: revokedAt.toISOString(),
    data: {
      principal_kind: principal.kind,
      principal_id: principal.id,
      session_id: sessionId,
      reason,
      revoked_at: revokedAt.toISOString(),
      tokens_valid_until: new Date(validUntil).toISOString(),
    },
  };
}

/**
 * Revokes every token of a refresh-token family (a session) still live, and queues its
 * SessionRevoked record in the same transaction. False when the family was already revoked
 * (nothing queued). The caller holds the family's lock (`lockFamily`).
 */
export async function revokeFamily(
  tx: Prisma.TransactionClient,
  family: { readonly familyId: string; readonly principal: Principal },
  reason: SessionRevocationReason,
  now: Date,
  outbox: RevocationOutbox,
): Promise<boolean> {
  const { count } = await tx.refreshToken.updateMany({ where: { familyId: family.familyId, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) return false;
  const newest = await tx.refreshToken.aggregate({ where: { familyId: family.familyId }, _max: { createdAt: true } });
  const record = sessionRevoked(family.principal, family.familyId, reason, now, newest._max.createdAt ?? now, outbox.accessTokenTtlSeconds);
  const key = principalKey(family.principal.kind, family.principal.id);
  await queueInOutbox(tx, [{ topic: 'identityRevocations', key, message: record }], outbox);
  return true;
}

/**
 * Serialises everything that changes one family (rotation, logout) until the transaction ends:
 * without it a logout could revoke the family while a concurrent refresh adds a token to it
 * that the logout's UPDATE does not see.
 */
export async function lockFamily(tx: Prisma.TransactionClient, familyId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${familyId}, 0))`;
}
