import { commonErrors } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../db/client.ts';
import { signAccessToken, type Principal } from '@rideline/auth';
import { issueRefreshToken, rotateRefreshToken } from './refresh-tokens.ts';
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
}

const tokenPair = (deps: SessionDeps, principal: Principal, refreshToken: string): TokenPair => ({
  access_token: signAccessToken(deps.keys.active, principal, { ttlSeconds: deps.config.accessTokenTtlSeconds }),
  refresh_token: refreshToken,
  token_type: 'Bearer',
  expires_in: deps.config.accessTokenTtlSeconds,
});

/** After a login or a registration: a new refresh-token family. */
export async function startSession(deps: SessionDeps, principal: Principal): Promise<TokenPair> {
  const refreshToken = await issueRefreshToken(deps.prisma, principal, { ttlSeconds: deps.config.refreshTokenTtlSeconds });
  return tokenPair(deps, principal, refreshToken);
}

/** `POST /auth/refresh`: rotates the refresh token; any failure is the API.md 401. */
export async function refreshSession(deps: SessionDeps, presented: string, log: FastifyBaseLogger): Promise<TokenPair> {
  const result = await rotateRefreshToken(deps.prisma, presented, { ttlSeconds: deps.config.refreshTokenTtlSeconds });
  if (!result.ok) {
    if (result.reason === 'reused') {
      // A token that was already exchanged came back: it leaked, or a client raced itself.
      log.warn({ principal: result.principal, familyId: result.familyId }, 'refresh token reused: its family is revoked');
    }
    throw commonErrors.UNAUTHORIZED();
  }
  return tokenPair(deps, result.principal, result.refreshToken);
}
