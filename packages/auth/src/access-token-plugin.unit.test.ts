import { ManualClock } from '@rideline/service-kit';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { accessTokenAuth, authenticate, bearerToken, principalOf, type AccessTokenAuthOptions } from './access-token-plugin.ts';
import { signAccessToken } from './access-token.ts';
import { staticKeys, type KeySource } from './key-source.ts';
import { generateSigningKey } from './signing-key.ts';

const key = generateSigningKey();
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const RIDER = { kind: 'user', id: '0b6d4c1e-6a5f-4d7e-9a8b-1c2d3e4f5a6b' } as const;
const DRIVER = { kind: 'driver', id: '1c2d3e4f-6a5f-4d7e-9a8b-0b6d4c1e5a6b' } as const;
const token = (principal: typeof RIDER | typeof DRIVER, sessionId?: string) =>
  signAccessToken(key, principal, { ttlSeconds: 900, now: NOW, ...(sessionId === undefined ? {} : { sessionId }) });

async function appWith(options: Partial<AccessTokenAuthOptions> = {}) {
  const app = Fastify();
  await app.register(accessTokenAuth, { keys: staticKeys({ keys: [key.publicJwk] }), clock: new ManualClock(NOW + 1_000), ...options });
  app.get('/anyone', { onRequest: authenticate() }, async (request) => principalOf(request));
  app.get('/drivers', { onRequest: authenticate({ kinds: ['driver'], forbidden: 'Only drivers can do this.' }) }, async (request) => principalOf(request));
  app.get('/riders-and-drivers', { onRequest: authenticate({ kinds: ['user', 'driver'] }) }, async (request) => principalOf(request));
  return app;
}

const get = (app: Awaited<ReturnType<typeof appWith>>, url: string, authorization?: string) =>
  app.inject({ url, headers: authorization === undefined ? {} : { authorization } });

describe('authenticate', () => {
  it('admits a valid token and sets the principal', async () => {
    const app = await appWith();
    const response = await get(app, '/anyone', `Bearer ${token(RIDER)}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(RIDER);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${token(RIDER)}`],
    ['a token that is not one', 'Bearer not.a.jwt'],
    ['two tokens', `Bearer ${token(RIDER)} ${token(RIDER)}`],
  ])('answers 401 with WWW-Authenticate for %s', async (_name, authorization) => {
    const app = await appWith();
    const response = await get(app, '/anyone', authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ message: 'Invalid or expired token.', code: 'UNAUTHORIZED' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('admits only the kinds a route names, with the 403 message it gives', async () => {
    const app = await appWith();
    expect((await get(app, '/drivers', `Bearer ${token(DRIVER)}`)).statusCode).toBe(200);
    const refused = await get(app, '/drivers', `Bearer ${token(RIDER)}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN', message: 'Only drivers can do this.' });
    expect((await get(app, '/riders-and-drivers', `Bearer ${token(RIDER)}`)).statusCode).toBe(200);
    expect((await get(app, '/riders-and-drivers', `Bearer ${token(DRIVER)}`)).statusCode).toBe(200);
  });

  it('answers 503 while the keys are not loaded, but 401 to a request without a token', async () => {
    const notLoaded: KeySource = { loaded: false, keyFor: async () => undefined };
    const app = await appWith({ keys: notLoaded });
    expect((await get(app, '/anyone', `Bearer ${token(RIDER)}`)).statusCode).toBe(503);
    expect((await get(app, '/anyone')).statusCode).toBe(401);
    await expect(app.accessTokens.ready()).rejects.toThrow(/not loaded/);
  });

  it('refuses a token whose session is revoked, by either way in', async () => {
    const app = await appWith({ isSessionRevoked: (sid) => sid === 'gone' });
    expect((await get(app, '/anyone', `Bearer ${token(RIDER, 'kept')}`)).statusCode).toBe(200);
    expect((await get(app, '/anyone', `Bearer ${token(RIDER, 'gone')}`)).statusCode).toBe(401);
    expect(await app.accessTokens.verify(token(RIDER, 'gone'))).toEqual({ ok: false, reason: 'session revoked' });
  });

  it('reads the token where tokenOf says', async () => {
    const app = await appWith({ tokenOf: (request) => String(request.headers['x-token'] ?? '') || undefined });
    const response = await app.inject({ url: '/anyone', headers: { 'x-token': token(RIDER) } });
    expect(response.statusCode).toBe(200);
    expect((await get(app, '/anyone', `Bearer ${token(RIDER)}`)).statusCode).toBe(401);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['Bearer  a-b_c.d ', 'a-b_c.d'],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['abc.def.ghi', undefined],
  ])('%j gives %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('gives nothing without a header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
