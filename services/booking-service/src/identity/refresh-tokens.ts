import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Principal } from '@rideline/auth';
import { lockFamily, revokeFamily, type RevocationOutbox } from './session-revocation.ts';

/**
 * Refresh tokens: 256 random bits, opaque to the client, stored only as their SHA-256 (a
 * database leak yields no usable token; no salt is needed for a random 256-bit secret).
 * Each use rotates the token; a rotated token used again means it leaked, so the whole family
 * descended from that login is revoked (OAuth 2.0 Security BCP, RFC 9700 section 4.14.2).
 */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

type Db = PrismaClient | Prisma.TransactionClient;

export interface IssueOptions {
  readonly ttlSeconds: number;
  /** The family to continue (rotation); a new one (login, registration) when absent. */
  readonly familyId?: string;
  readonly now?: Date;
}

/** A refresh token just issued: the only time it exists in clear. */
export interface IssuedRefreshToken {
  readonly token: string;
  /** Its family: the session, the `sid` of the access tokens issued with it. */
  readonly familyId: string;
  readonly issuedAt: Date;
}

/** Stores a new refresh token for `principal` and returns it. */
export async function issueRefreshToken(db: Db, principal: Principal, options: IssueOptions): Promise<IssuedRefreshToken> {
  const token = newRefreshToken();
  const now = options.now ?? new Date();
  const familyId = options.familyId ?? randomUUID();
  await db.refreshToken.create({
    data: {
      tokenHash: hashRefreshToken(token),
      familyId,
      principalKind: principal.kind,
      principalId: principal.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.ttlSeconds * 1000),
    },
  });
  return { token, familyId, issuedAt: now };
}

export type RotationResult =
  | { readonly ok: true; readonly principal: Principal; readonly refreshToken: IssuedRefreshToken }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' }
  | { readonly ok: false; readonly reason: 'reused'; readonly principal: Principal; readonly familyId: string };

/** The row of a presented token, read again under its family's lock. */
async function lockedRow(tx: Prisma.TransactionClient, presented: string) {
  const tokenHash = hashRefreshToken(presented);
  const found = await tx.refreshToken.findUnique({ where: { tokenHash }, select: { familyId: true } });
  if (!found) return null;
  await lockFamily(tx, found.familyId);
  return tx.refreshToken.findUnique({ where: { tokenHash } });
}

/**
 * Exchanges a refresh token for its successor, in one transaction under the family's lock: of
 * two presentations of one token at once, the second finds it already rotated, which is a
 * reuse like any other. A reuse revokes the family and queues its SessionRevoked record.
 */
export async function rotateRefreshToken(
  prisma: PrismaClient,
  presented: string,
  options: { readonly ttlSeconds: number; readonly revocations: RevocationOutbox; readonly now?: Date },
): Promise<RotationResult> {
  const now = options.now ?? new Date();
  const result = await prisma.$transaction(async (tx): Promise<RotationResult> => {
    const row = await lockedRow(tx, presented);
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revokedAt) return { ok: false, reason: 'revoked' };
    const principal: Principal = { kind: row.principalKind, id: row.principalId };
    if (row.rotatedAt !== null) {
      await revokeFamily(tx, { familyId: row.familyId, principal }, 'refresh_token_reuse', now, options.revocations);
      return { ok: false, reason: 'reused', principal, familyId: row.familyId };
    }
    if (row.expiresAt <= now) return { ok: false, reason: 'expired' };
    await tx.refreshToken.update({ where: { id: row.id }, data: { rotatedAt: now } });
    const refreshToken = await issueRefreshToken(tx, principal, { ttlSeconds: options.ttlSeconds, familyId: row.familyId, now });
    return { ok: true, principal, refreshToken };
  });
  if (!result.ok && result.reason === 'reused') options.revocations.wake.publishNow();
  return result;
}

/**
 * Logout: revokes the session of the presented token (current or already rotated: either way
 * its holder wants the session ended) and queues its SessionRevoked record. False when there
 * was nothing live to revoke: an unknown token, or a session already ended.
 */
export async function revokeSession(
  prisma: PrismaClient,
  presented: string,
  options: { readonly revocations: RevocationOutbox; readonly now?: Date },
): Promise<boolean> {
  const now = options.now ?? new Date();
  const revoked = await prisma.$transaction(async (tx) => {
    const row = await lockedRow(tx, presented);
    if (!row) return false;
    const principal: Principal = { kind: row.principalKind, id: row.principalId };
    return revokeFamily(tx, { familyId: row.familyId, principal }, 'logout', now, options.revocations);
  });
  if (revoked) options.revocations.wake.publishNow();
  return revoked;
}
