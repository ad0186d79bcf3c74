import { commonErrors } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../db/client.ts';
import { signAccessToken, type Principal } from '@rideline/auth';
import { issueRefreshToken, revokeSession, rotateRefreshToken, type IssuedRefreshToken } from './refresh-tokens.ts';
import type { RevocationOutbox } from './session-revocation.ts';
import type { IdentityConfig } from './settings.ts';
import type { SigningKeys } from './signing-key-store.ts';

/** The tokens every login, registration and refresh answers with. */
export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: 'Bearer';
  /** Lifetime of the access token, in seconds. */
  readonly expires_in: number;
}

export interface SessionDeps {
  readonly prisma: PrismaClient;
  readonly keys: SigningKeys;
  readonly config: Pick<IdentityConfig, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>;
  readonly revocations: RevocationOutbox;
}

/**
 * The access token carries the session (`sid` = the refresh-token family) and is issued at the
 * refresh token's own time, so a revocation can bound its `exp` from the database.
 */
const tokenPair = (deps: SessionDeps, principal: Principal, refresh: IssuedRefreshToken): TokenPair => ({
  access_token: signAccessToken(deps.keys.active, principal, {
    ttlSeconds: deps.config.accessTokenTtlSeconds,
    now: refresh.issuedAt.getTime(),
    sessionId: refresh.familyId,
  }),
  refresh_token: refresh.token,
  token_type: 'Bearer',
  expires_in: deps.config.accessTokenTtlSeconds,
});

/** After a login or a registration: a new session (refresh-token family). */
export async function startSession(deps: SessionDeps, principal: Principal): Promise<TokenPair> {
  const refresh = await issueRefreshToken(deps.prisma, principal, { ttlSeconds: deps.config.refreshTokenTtlSeconds });
  return tokenPair(deps, principal, refresh);
}

/** `POST /auth/refresh`: rotates the refresh token, same session; any failure is the API.md 401. */
export async function refreshSession(deps: SessionDeps, presented: string, log: FastifyBaseLogger): Promise<TokenPair> {
  const result = await rotateRefreshToken(deps.prisma, presented, {
    ttlSeconds: deps.config.refreshTokenTtlSeconds,
    revocations: deps.revocations,
  });
  if (!result.ok) {
    if (result.reason === 'reused') {
      // A token that was already exchanged came back: it leaked, or a client raced itself.
      log.warn({ principal: result.principal, familyId: result.familyId }, 'refresh token reused: its family is revoked');
    }
    throw commonErrors.UNAUTHORIZED();
  }
  return tokenPair(deps, result.principal, result.refreshToken);
}

/**
 * `POST /auth/logout`: ends the session of the refresh token. The answer is the same 204
 * whether or not there was a live session to end, so it tells nobody whether a token exists.
 */
export async function endSession(deps: SessionDeps, presented: string, log: FastifyBaseLogger): Promise<void> {
  const revoked = await revokeSession(deps.prisma, presented, { revocations: deps.revocations });
  log.debug({ revoked }, 'logout');
}
