import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Principal } from '@rideline/auth';

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

/** Stores a new refresh token for `principal` and returns it (the only time it exists in clear). */
export async function issueRefreshToken(db: Db, principal: Principal, options: IssueOptions): Promise<string> {
  const token = newRefreshToken();
  const now = options.now ?? new Date();
  await db.refreshToken.create({
    data: {
      tokenHash: hashRefreshToken(token),
      familyId: options.familyId ?? randomUUID(),
      principalKind: principal.kind,
      principalId: principal.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.ttlSeconds * 1000),
    },
  });
  return token;
}

export type RotationResult =
  | { readonly ok: true; readonly principal: Principal; readonly refreshToken: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' }
  | { readonly ok: false; readonly reason: 'reused'; readonly principal: Principal; readonly familyId: string };

/**
 * Exchanges a refresh token for its successor, in one transaction. The conditional UPDATE is
 * the arbiter when the same token is presented twice at once: the second finds it already
 * rotated, which is a reuse like any other.
 */
export async function rotateRefreshToken(
  prisma: PrismaClient,
  presented: string,
  options: { readonly ttlSeconds: number; readonly now?: Date },
): Promise<RotationResult> {
  const now = options.now ?? new Date();
  return await prisma.$transaction(async (tx): Promise<RotationResult> => {
    const row = await tx.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(presented) } });
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revokedAt) return { ok: false, reason: 'revoked' };
    const principal: Principal = { kind: row.principalKind, id: row.principalId };
    if (row.rotatedAt === null && row.expiresAt <= now) return { ok: false, reason: 'expired' };

    const claimed =
      row.rotatedAt === null &&
      (
        await tx.refreshToken.updateMany({
          where: { id: row.id, rotatedAt: null, revokedAt: null },
          data: { rotatedAt: now },
        })
      ).count === 1;
    if (!claimed) {
      await tx.refreshToken.updateMany({ where: { familyId: row.familyId, revokedAt: null }, data: { revokedAt: now } });
      return { ok: false, reason: 'reused', principal, familyId: row.familyId };
    }
    const refreshToken = await issueRefreshToken(tx, principal, { ttlSeconds: options.ttlSeconds, familyId: row.familyId, now });
    return { ok: true, principal, refreshToken };
  });
}
