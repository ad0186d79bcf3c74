import { createSigner } from 'fast-jwt';
import { isPrincipalKind, type Principal, type PrincipalKind } from './principal.ts';
import { ACCESS_TOKEN_ALGORITHM, type SigningKey } from './signing-key.ts';

/** What an access token says (API.md, Identity). Times are seconds since the epoch. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly kind: PrincipalKind;
  readonly iat: number;
  readonly exp: number;
  /**
   * The login session (refresh-token family) the token was issued in: revoking the session
   * (logout) makes every token carrying it invalid before its `exp`. Absent in tokens issued
   * before sessions were named.
   */
  readonly sid?: string;
}

type Sign = (payload: Record<string, unknown>) => string;
const signers = new WeakMap<SigningKey, Sign>();

function signerFor(key: SigningKey): Sign {
  let sign = signers.get(key);
  if (!sign) {
    // iat and exp come in the payload (signAccessToken's clock); fast-jwt keeps them as given.
    sign = createSigner({ algorithm: ACCESS_TOKEN_ALGORITHM, key: key.privateKeyPem, kid: key.kid });
    signers.set(key, sign);
  }
  return sign;
}

export interface SignOptions {
  readonly ttlSeconds: number;
  /** Milliseconds since the epoch; default now. */
  readonly now?: number;
  /** The `sid` claim: the session (refresh-token family) this token belongs to. */
  readonly sessionId?: string;
}

export function signAccessToken(key: SigningKey, principal: Principal, options: SignOptions): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: AccessTokenClaims = {
    sub: principal.id,
    kind: principal.kind,
    iat,
    exp: iat + options.ttlSeconds,
    ...(options.sessionId === undefined ? {} : { sid: options.sessionId }),
  };
  return signerFor(key)({ ...claims });
}

export type AccessTokenVerification =
  | { readonly ok: true; readonly principal: Principal; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far in the future `iat` may be (clock skew between instances). */
const MAX_IAT_SKEW_SECONDS = 60;

export const refused = (reason: string): AccessTokenVerification => ({ ok: false, reason });

/**
 * The claims of a token whose signature has been checked: `sub` a UUID, `kind` a principal
 * kind, `iat` and `exp` integers, `sid` short when present, and `nowMs` before `exp`. Expiry is
 * checked here, against the caller's clock, rather than by the JWT library's own clock.
 */
export function readAccessClaims(payload: unknown, nowMs: number): AccessTokenVerification {
  const claims = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const { sub, kind, iat, exp, sid } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return refused('bad sub');
  if (!isPrincipalKind(kind)) return refused('bad kind');
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return refused('bad iat or exp');
  if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0 || sid.length > 64)) return refused('bad sid');
  const issuedAt = iat as number;
  const expiresAt = exp as number;
  const nowSeconds = nowMs / 1000;
  if (nowSeconds >= expiresAt) return refused('expired');
  if (issuedAt > nowSeconds + MAX_IAT_SKEW_SECONDS || issuedAt >= expiresAt) return refused('bad iat');
  const session = typeof sid === 'string' ? { sid } : {};
  return { ok: true, principal: { kind, id: sub }, claims: { sub, kind, iat: issuedAt, exp: expiresAt, ...session } };
}
