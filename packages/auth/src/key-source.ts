import { createPublicKey } from 'node:crypto';
import { parsePublicJwk, type Jwks } from './signing-key.ts';

/**
 * Where the verifier finds the public key a token's `kid` names: booking-service's own keys
 * (`staticKeys`), or its JWKS fetched by the services that only verify (`JwksKeys`).
 */
export interface KeySource {
  /** Whether keys are there at all (readiness; until then tokens cannot be checked). */
  readonly loaded: boolean;
  /** The SPKI PEM of the key `kid` names, or undefined when no known key has that id. */
  keyFor(kid: string): Promise<string | undefined>;
}

/** SPKI PEMs by `kid`, of the entries of a JWKS that are Ed25519 signature keys (others are ignored). */
export function publicKeysOf(jwks: { readonly keys: readonly unknown[] }): ReadonlyMap<string, string> {
  const pems = new Map<string, string>();
  for (const entry of jwks.keys) {
    const jwk = parsePublicJwk(entry);
    if (!jwk) continue;
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    pems.set(jwk.kid, key.export({ format: 'pem', type: 'spki' }).toString());
  }
  return pems;
}

/** Keys known from the start and never changing: the issuer's own JWKS. */
export function staticKeys(jwks: Jwks): KeySource {
  const pems = publicKeysOf(jwks);
  return { loaded: true, keyFor: async (kid) => pems.get(kid) };
}
