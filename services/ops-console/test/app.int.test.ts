/**
 * The console's own routes, in process: the page and its security policy, the settings the page
 * reads, and the operator check of `/api/lag` (the only route the console itself guards; the
 * others pass the token to booking-service, which decides).
 */
import { randomUUID } from 'node:crypto';
import { generateSigningKey, signAccessToken, staticKeys, type PrincipalKind } from '@rideline/auth';
import { createLogger } from '@rideline/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { readConsoleConfig } from '../src/config.ts';

const key = generateSigningKey();
const tokenOf = (kind: PrincipalKind) => signAccessToken(key, { kind, id: randomUUID() }, { ttlSeconds: 300 });
/** The same claims signed by a key the console does not know. */
const forged = signAccessToken(generateSigningKey(), { kind: 'operator', id: randomUUID() }, { ttlSeconds: 300 });

let app: Awaited<ReturnType<typeof buildApp>>['app'];

beforeAll(async () => {
  const config = readConsoleConfig({
    LOG_LEVEL: 'silent',
    // Nothing listens there: the lag of each service is then unknown (null), not an error.
    BOOKING_URL: 'http://127.0.0.1:9',
    DISPATCH_URL: 'http://127.0.0.1:9',
    GATEWAY_URL: 'http://127.0.0.1:9',
    OPS_TILE_URL: 'https://tiles.example.com/{z}/{x}/{y}.png',
  });
  ({ app } = await buildApp(config, {
    logger: createLogger('ops-console', 'silent'),
    bundle: { js: '/* js */', css: '/* css */' },
    keys: staticKeys({ keys: [key.publicJwk] }),
  }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

describe('the console app', () => {
  it('serves the page with a policy that allows only itself, the gateway and the basemap', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:9");
    expect(csp).toContain("img-src 'self' data: https://tiles.example.com");
    expect((await app.inject({ method: 'GET', url: '/app.js' })).body).toBe('/* js */');
  });

  it('listens on port 3003 unless PORT says otherwise', () => {
    expect(readConsoleConfig({}).port).toBe(3003);
    expect(readConsoleConfig({ PORT: '4100' }).port).toBe(4100);
  });

  it('tells the page where the gateway and the basemap are', async () => {
    const response = await app.inject({ method: 'GET', url: '/config.json' });
    expect(response.json()).toEqual({ gateway_ws_url: 'ws://127.0.0.1:9', tile_url: 'https://tiles.example.com/{z}/{x}/{y}.png', tile_attribution: '' });
  });

  it('answers consumer lag to operators only: 401 without a valid token, 403 for riders and drivers', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/lag' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/lag', headers: { authorization: `Bearer ${forged}` } })).statusCode).toBe(401);
    for (const kind of ['user', 'driver'] as const) {
      expect((await app.inject({ method: 'GET', url: '/api/lag', headers: { authorization: `Bearer ${tokenOf(kind)}` } })).statusCode).toBe(403);
    }
    const lag = await app.inject({ method: 'GET', url: '/api/lag', headers: { authorization: `Bearer ${tokenOf('operator')}` } });
    expect(lag.statusCode).toBe(200);
    expect(lag.json()).toEqual({
      services: [
        { service: 'booking-service', lag: null },
        { service: 'dispatch-service', lag: null },
        { service: 'realtime-gateway', lag: null },
      ],
    });
  });

  it('refuses ill-formed text at its boundary with 400 naming the field, before calling booking-service', async () => {
    // booking-service is unreachable here (503 below): a 400 shows the request never left.
    for (const [url, body, field] of [
      ['/api/login', '{"email":"a\\ud800@b.c","password":"x"}', 'body.email'],
      ['/api/login', '{"email":"a@b.c","password":"x\\udfff"}', 'body.password'],
      ['/api/logout', '{"refresh_token":"\\ud800"}', 'body.refresh_token'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
      expect([url, response.statusCode]).toEqual([url, 400]);
      expect(response.json()).toEqual({
        success: false,
        code: 'VALIDATION_FAILED',
        message: `${field} must not hold a lone surrogate (text must be well-formed Unicode)`,
      });
    }
  });

  it('answers 503 when booking-service cannot be reached for a login', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/login', payload: { email: 'a@b.c', password: 'x' } });
    expect(response.statusCode).toBe(503);
  });
});
