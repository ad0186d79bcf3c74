import { createPublicKey } from 'node:crypto';
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import { isPrincipalKind, type Principal, type PrincipalKind } from './principal.ts';
import { ACCESS_TOKEN_ALGORITHM, parsePublicJwk, type Jwks, type PublicJwk, type SigningKey } from './signing-key.ts';

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

/**
 * The public keys access tokens are verified with, by `kid`: build it once from a JWKS (this
 * service's own, or one fetched from `/.well-known/jwks.json` by another service).
 */
export interface AccessTokenKeys {
  /** One fast-jwt verifier per `kid`, each pinned to EdDSA and its one public key. */
  readonly verifiers: ReadonlyMap<string, (token: string) => unknown>;
}

/** Keys of a JWKS; entries that are not Ed25519 signature keys are ignored. */
export function accessTokenKeys(jwks: Jwks | { readonly keys: readonly unknown[] }): AccessTokenKeys {
  const verifiers = new Map<string, (token: string) => unknown>();
  for (const entry of jwks.keys) {
    const jwk: PublicJwk | undefined = parsePublicJwk(entry);
    if (!jwk) continue;
    const publicKeyPem = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    // Only EdDSA with this very key: no `none`, no HS256 keyed with the public key. Time is
    // checked below against the caller's clock, so fast-jwt's own clock is switched off.
    verifiers.set(
      jwk.kid,
      createVerifier({
        key: publicKeyPem,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        ignoreExpiration: true,
        ignoreNotBefore: true,
        // A client repeats its token on every request: remember verified signatures (the
        // claims are still checked against the clock below, every time).
        cache: 10_000,
      }),
    );
  }
  return { verifiers };
}

export type AccessTokenVerification =
  | { readonly ok: true; readonly principal: Principal; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: string };

const decodeComplete = createDecoder({ complete: true });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far in the future `iat` may be (clock skew between instances). */
const MAX_IAT_SKEW_SECONDS = 60;

const fail = (reason: string): AccessTokenVerification => ({ ok: false, reason });

/**
 * Checks an access token: signature by one of `keys` with EdDSA (the header's `kid` picks the
 * key; any other `alg` is refused before any cryptography), then the claims: `sub` a UUID,
 * `kind` user|driver|operator, `iat` and `exp` integers, and `now` (ms, default the clock) before
 * `exp`. Never throws; `reason` is for logs only (clients get `Invalid or expired token.`).
 */
export function verifyAccessToken(token: string, keys: AccessTokenKeys, now: number = Date.now()): AccessTokenVerification {
  let header: Record<string, unknown>;
  try {
    ({ header } = decodeComplete(token) as { header: Record<string, unknown> });
  } catch {
    return fail('malformed');
  }
  if (header['alg'] !== ACCESS_TOKEN_ALGORITHM) return fail(`algorithm ${String(header['alg'])} not accepted`);
  const verify = typeof header['kid'] === 'string' ? keys.verifiers.get(header['kid']) : undefined;
  if (!verify) return fail('unknown key');

  let payload: unknown;
  try {
    payload = verify(token);
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'invalid signature');
  }
  const claims = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const { sub, kind, iat, exp, sid } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return fail('bad sub');
  if (!isPrincipalKind(kind)) return fail('bad kind');
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return fail('bad iat or exp');
  if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0 || sid.length > 64)) return fail('bad sid');
  const issuedAt = iat as number;
  const expiresAt = exp as number;
  const nowSeconds = now / 1000;
  if (nowSeconds >= expiresAt) return fail('expired');
  if (issuedAt > nowSeconds + MAX_IAT_SKEW_SECONDS || issuedAt >= expiresAt) return fail('bad iat');
  const session = typeof sid === 'string' ? { sid } : {};
  return { ok: true, principal: { kind, id: sub }, claims: { sub, kind, iat: issuedAt, exp: expiresAt, ...session } };
}
