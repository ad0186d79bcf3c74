import { createHmac, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';
import { ManualClock } from '@rideline/service-kit';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { accessTokenAuth } from './access-token-plugin.ts';
import { signAccessToken, type AccessTokenVerification } from './access-token.ts';
import { publicKeysOf, staticKeys } from './key-source.ts';
import type { Principal } from './principal.ts';
import { generateSigningKey, parsePublicJwk, signingKeyFromPem } from './signing-key.ts';

const key = generateSigningKey();
const rider: Principal = { kind: 'user', id: '0b6d4c1e-6a5f-4d7e-9a8b-1c2d3e4f5a6b' };
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

type Path = 'token' | 'request';

/**
 * The plugin's verdict on `token` with the clock at `nowMs`: by `accessTokens.verify` (a token
 * without a request) or by `verifyRequest` (the Authorization header), the two ways in.
 */
async function verifyAt(token: string, nowMs: number, path: Path = 'token'): Promise<AccessTokenVerification> {
  const app = Fastify();
  await app.register(accessTokenAuth, { keys: staticKeys({ keys: [key.publicJwk] }), clock: new ManualClock(nowMs) });
  let verdict: AccessTokenVerification | undefined;
  app.get('/', async (request) => {
    verdict = await app.accessTokens.verifyRequest(request);
    return {};
  });
  try {
    if (path === 'token') return await app.accessTokens.verify(token);
    await app.inject({ url: '/', headers: { authorization: `Bearer ${token}` } });
    if (!verdict) throw new Error('the route did not run');
    return verdict;
  } finally {
    await app.close();
  }
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>,
    signature: signature ?? '',
  };
};

describe('access tokens', () => {
  it('carry sub, kind, iat and exp, with the key id and EdDSA in the header', async () => {
    const token = signAccessToken(key, rider, { ttlSeconds: 900, now: NOW });
    const { header, payload } = parts(token);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: key.kid });
    expect(payload).toEqual({ sub: rider.id, kind: 'user', iat: NOW / 1000, exp: NOW / 1000 + 900 });
    expect(await verifyAt(token, NOW + 1_000)).toEqual({
      ok: true,
      principal: rider,
      claims: { sub: rider.id, kind: 'user', iat: NOW / 1000, exp: NOW / 1000 + 900 },
    });
  });

  it('carry the session they were issued in as sid, and refuse a malformed one', async () => {
    const sessionId = '5f0c7e9a-2b1d-4c3e-8f6a-7b8c9d0e1f2a';
    const token = signAccessToken(key, rider, { ttlSeconds: 900, now: NOW, sessionId });
    expect(parts(token).payload['sid']).toBe(sessionId);
    const verified = await verifyAt(token, NOW + 1_000);
    expect(verified.ok && verified.claims.sid).toBe(sessionId);
    const bad = signAccessToken(key, rider, { ttlSeconds: 900, now: NOW, sessionId: 'x'.repeat(65) });
    expect(await verifyAt(bad, NOW + 1_000)).toEqual({ ok: false, reason: 'bad sid' });
  });

  it.each<Path>(['token', 'request'])('expire at exp by the injected clock (%s)', async (path) => {
    const token = signAccessToken(key, rider, { ttlSeconds: 900, now: NOW });
    expect((await verifyAt(token, NOW + 899_999, path)).ok).toBe(true);
    expect(await verifyAt(token, NOW + 900_000, path)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are verified by a generic JOSE library with the public JWK', async () => {
    const token = signAccessToken(key, { kind: 'driver', id: rider.id }, { ttlSeconds: 900 });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: [{ ...key.publicJwk }] }), {
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.kid).toBe(key.kid);
    expect(payload).toMatchObject({ sub: rider.id, kind: 'driver' });
  });

  it('use the RFC 7638 thumbprint as kid, and publish no private member', async () => {
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x }, 'sha256'));
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(signingKeyFromPem(key.privateKeyPem)).toEqual(key);
  });

  describe('are refused when', () => {
    const valid = signAccessToken(key, rider, { ttlSeconds: 900, now: NOW });
    const { header, payload, signature } = parts(valid);
    const publicPem = createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const hs256 = (secret: string) => {
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64url(payload)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const otherKey = generateSigningKey();

    it.each([
      ['alg is none', `${b64url({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64url(payload)}.`],
      ['alg is none, with the signature kept', `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.${signature}`],
      ['HS256 keyed with the public key PEM', hs256(publicPem)],
      ['HS256 keyed with the public JWK', hs256(JSON.stringify(key.publicJwk))],
      ['the payload was changed', `${b64url(header)}.${b64url({ ...payload, kind: 'driver' })}.${signature}`],
      ['the signature was changed', `${b64url(header)}.${b64url(payload)}.${signature.slice(0, -4)}AAAA`],
      ['another key signed it under our kid', signAccessToken({ ...otherKey, kid: key.kid }, rider, { ttlSeconds: 900, now: NOW })],
      ['the kid is unknown', signAccessToken(otherKey, rider, { ttlSeconds: 900, now: NOW })],
      ['it is not a JWT', 'not.a.jwt'],
      ['it is empty', ''],
    ])('%s', async (_name, token) => {
      expect((await verifyAt(token, NOW + 1_000, 'token')).ok).toBe(false);
      expect((await verifyAt(token, NOW + 1_000, 'request')).ok).toBe(false);
    });

    it.each([
      ['kind is not user or driver', { kind: 'admin' }],
      ['sub is not a UUID', { sub: 'root' }],
      ['exp is missing', { exp: undefined }],
      ['iat is in the future', { iat: NOW / 1000 + 3_600, exp: NOW / 1000 + 7_200 }],
    ])('its own key signed bad claims: %s', async (_name, change) => {
      // Sign by hand with the real key, to show the claim checks do not rely on our signer.
      const { createSigner } = await import('fast-jwt');
      const sign = createSigner({ algorithm: 'EdDSA', key: key.privateKeyPem, kid: key.kid });
      const token = sign(JSON.parse(JSON.stringify({ ...payload, ...change })) as Record<string, unknown>);
      expect((await verifyAt(token, NOW + 1_000, 'token')).ok).toBe(false);
      expect((await verifyAt(token, NOW + 1_000, 'request')).ok).toBe(false);
    });
  });

  it('ignore JWKS entries that are not Ed25519 signature keys', () => {
    expect(parsePublicJwk({ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' })).toBeUndefined();
    expect(parsePublicJwk({ ...key.publicJwk, use: 'enc' })).toBeUndefined();
    expect(parsePublicJwk({ ...key.publicJwk, alg: 'HS256' })).toBeUndefined();
    expect(publicKeysOf({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: key.kid }] }).size).toBe(0);
  });
});
