import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

/**
 * Access tokens are signed with Ed25519 (JWS `EdDSA`): asymmetric, so verifiers only ever hold
 * public keys; small keys and signatures; deterministic signatures (no per-signature nonce to
 * get wrong); fast to sign and verify; supported by fast-jwt, jose and the JOSE libraries of
 * other languages.
 */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** An Ed25519 public key as served by `/.well-known/jwks.json` (RFC 8037). */
export interface PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg: typeof ACCESS_TOKEN_ALGORITHM;
  readonly use: 'sig';
}

export interface Jwks {
  readonly keys: readonly PublicJwk[];
}

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: stable for a given key, whoever computes it. */
  readonly kid: string;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  readonly publicJwk: PublicJwk;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key. */
export function jwkThumbprint(jwk: { readonly crv: string; readonly kty: string; readonly x: string }): string {
  // Required members only, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The signing key of an Ed25519 private key in PEM; throws for any other kind of key. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? 'an unknown key'}`);
  }
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('Ed25519 public key without x');
  const kid = jwkThumbprint({ crv: 'Ed25519', kty: 'OKP', x });
  return {
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' },
  };
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

/** A JWKS entry this service can verify with, or undefined for anything else. */
export function parsePublicJwk(value: unknown): PublicJwk | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const jwk = value as Record<string, unknown>;
  if (jwk['kty'] !== 'OKP' || jwk['crv'] !== 'Ed25519' || typeof jwk['x'] !== 'string' || typeof jwk['kid'] !== 'string') {
    return undefined;
  }
  if ((jwk['alg'] ?? ACCESS_TOKEN_ALGORITHM) !== ACCESS_TOKEN_ALGORITHM || (jwk['use'] ?? 'sig') !== 'sig') return undefined;
  return { kty: 'OKP', crv: 'Ed25519', x: jwk['x'], kid: jwk['kid'], alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}
