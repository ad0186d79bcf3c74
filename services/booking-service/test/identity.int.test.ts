/**
 * Identity over HTTP on a real PostgreSQL (a fresh database for this file): registration and
 * login of riders and drivers, validation, refresh-token rotation with reuse detection, the
 * JWKS, and the `authenticate` guard against forged, expired and wrong-kind tokens.
 */
import { createHash, createHmac, createPublicKey } from 'node:crypto';
import { loadConfig } from '@rideline/config';
import { DEFAULT_TOPIC_NAMES } from '@rideline/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { createLogger, createServiceApp, type ServiceApp } from '@rideline/service-kit';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../src/db/client.ts';
import { prepareDatabase } from '../src/db/migrate.ts';
import {
  authenticate,
  generateSigningKey,
  identityRoutes,
  identitySettings,
  loadSigningKeys,
  principalOf,
  signAccessToken,
  type SigningKeys,
} from '../src/identity/index.ts';
import { issueRefreshToken } from '../src/identity/refresh-tokens.ts';

let database: ScratchDatabase;
let prisma: PrismaClient;
let keys: SigningKeys;
let app: ServiceApp;

const config = loadConfig(identitySettings, {});
// No relay in this app: revocations stay in the outbox table (test/sessions.int.test.ts follows them to Kafka).
const revocations = { topics: { ...DEFAULT_TOPIC_NAMES, identityRevocations: 'it-identity.revocations' }, wake: { isLeader: false, publishNow() {} } };

beforeAll(async () => {
  database = await createScratchDatabase(undefined, 'rideline_booking_identity');
  await prepareDatabase(database.databaseUrl);
  prisma = createPrismaClient(database.databaseUrl);
  keys = await loadSigningKeys(prisma, { jwtPrivateKey: undefined });
  ({ app } = await createServiceApp({
    service: 'booking-service',
    logger: createLogger('identity-test', 'silent'),
    readiness: { database: async () => {}, kafka: async () => {} },
  }));
  await app.register(identityRoutes, { prisma, keys, config, revocations });
  // Stand-ins for booking's own routes.
  app.get('/test/anyone', { preHandler: authenticate() }, async (request) => principalOf(request));
  app.get('/test/drivers-only', { preHandler: authenticate({ kinds: ['driver'] }) }, async (request) => principalOf(request));
  app.get('/test/users-only', { preHandler: authenticate({ kinds: ['user'] }) }, async (request) => principalOf(request));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

let counter = 0;
const uniqueEmail = (prefix: string) => `${prefix}.${Date.now()}.${++counter}@example.com`;
const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
const get = (url: string, token?: string) =>
  app.inject({ method: 'GET', url, ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) });

async function registerUser(email = uniqueEmail('rider')) {
  const response = await post('/auth/users/register', { name: 'Asha Rider', email, password: 'rider-password' });
  expect(response.statusCode).toBe(201);
  return response.json() as { user: { id: string; name: string; email: string }; access_token: string; refresh_token: string };
}

async function registerDriver(email = uniqueEmail('driver')) {
  const response = await post('/auth/drivers/register', {
    name: 'Dev Driver',
    email,
    password: 'driver-password',
    vehicle: { plate: 'KA-01-AB-1234', model: 'Maruti Swift' },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as {
    driver: { id: string; name: string; email: string; vehicle: { plate: string; model: string } };
    access_token: string;
    refresh_token: string;
  };
}

const UNAUTHORIZED = { success: false, message: 'Invalid or expired token.', code: 'UNAUTHORIZED' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('riders', () => {
  it('register (201) with a normalised email, and log in (200) with the same answer shape', async () => {
    const email = uniqueEmail('Mixed.Case');
    const registered = await registerUser(email);
    expect(registered.user).toEqual({ id: expect.stringMatching(UUID), name: 'Asha Rider', email: email.toLowerCase() });
    expect(registered.access_token.split('.')).toHaveLength(3);
    expect(registered.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const login = await post('/auth/users/login', { email: email.toUpperCase(), password: 'rider-password' });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({
      user: registered.user,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect((await get('/test/anyone', login.json().access_token)).json()).toEqual({ kind: 'user', id: registered.user.id });
  });

  it('store only a memory-hard hash of the password', async () => {
    const { user } = await registerUser();
    const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    expect(row.passwordHash).not.toContain('rider-password');
  });

  it('cannot register an email twice, whatever its case (409)', async () => {
    const email = uniqueEmail('twice');
    await registerUser(email);
    const again = await post('/auth/users/register', { name: 'Other', email: email.toUpperCase(), password: 'other-password' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ success: false, message: expect.any(String), code: 'EMAIL_TAKEN' });
  });

  it('are refused with 401 for a wrong password or an unknown email, alike', async () => {
    const { user } = await registerUser();
    for (const payload of [
      { email: user.email, password: 'wrong-password' },
      { email: uniqueEmail('nobody'), password: 'rider-password' },
    ]) {
      const response = await post('/auth/users/login', payload);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ success: false, message: 'Invalid email or password.', code: 'INVALID_CREDENTIALS' });
    }
  });
});

describe('drivers', () => {
  it('register (201) with their vehicle and log in (200)', async () => {
    const registered = await registerDriver();
    expect(registered.driver).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Dev Driver',
      email: expect.stringMatching(/^driver\./),
      vehicle: { plate: 'KA-01-AB-1234', model: 'Maruti Swift' },
    });
    const login = await post('/auth/drivers/login', { email: registered.driver.email, password: 'driver-password' });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ driver: registered.driver, token_type: 'Bearer' });
    expect((await get('/test/drivers-only', login.json().access_token)).json()).toEqual({ kind: 'driver', id: registered.driver.id });
  });

  it('are separate principals from riders: same email, separate accounts; no cross login', async () => {
    const email = uniqueEmail('both');
    const rider = await registerUser(email);
    const driver = await registerDriver(email);
    expect(driver.driver.id).not.toBe(rider.user.id);
    expect(
      (
        await post('/auth/drivers/register', {
          name: 'Again',
          email,
          password: 'driver-password',
          vehicle: { plate: 'X', model: 'Y' },
        })
      ).statusCode,
    ).toBe(409);

    const riderOnDriverLogin = await post('/auth/drivers/login', { email: uniqueEmail('rider-only'), password: 'rider-password' });
    expect(riderOnDriverLogin.statusCode).toBe(401);
    const onlyRider = await registerUser();
    expect((await post('/auth/drivers/login', { email: onlyRider.user.email, password: 'rider-password' })).statusCode).toBe(401);
    expect((await post('/auth/drivers/login', { email, password: 'wrong-password' })).statusCode).toBe(401);
  });
});

describe('validation (400 naming the field)', () => {
  const user = { name: 'Asha', email: 'asha@example.com', password: 'long-enough' };
  const driver = { ...user, vehicle: { plate: 'KA-01', model: 'Swift' } };
  it.each([
    ['/auth/users/register', { ...user, name: undefined }, 'body.name'],
    ['/auth/users/register', { ...user, name: '' }, 'body.name'],
    ['/auth/users/register', { ...user, name: '   ' }, 'body.name'],
    ['/auth/users/register', { ...user, name: 'x'.repeat(101) }, 'body.name'],
    ['/auth/users/register', { ...user, email: 'not-an-email' }, 'body.email'],
    ['/auth/users/register', { ...user, email: 42 }, 'body.email'],
    ['/auth/users/register', { ...user, email: undefined }, 'body.email'],
    ['/auth/users/register', { ...user, password: 'short' }, 'body.password'],
    ['/auth/users/register', { ...user, password: 'x'.repeat(129) }, 'body.password'],
    ['/auth/users/register', { ...user, role: 'admin' }, 'body.role'],
    ['/auth/drivers/register', { ...driver, vehicle: undefined }, 'body.vehicle'],
    ['/auth/drivers/register', { ...driver, vehicle: { model: 'Swift' } }, 'body.vehicle.plate'],
    ['/auth/drivers/register', { ...driver, vehicle: { plate: 'KA-01', model: '' } }, 'body.vehicle.model'],
    ['/auth/drivers/register', { ...driver, vehicle: { ...driver.vehicle, colour: 'red' } }, 'body.vehicle.colour'],
    ['/auth/drivers/register', { ...driver, password: '1234567' }, 'body.password'],
    ['/auth/users/login', { email: 'asha@example.com' }, 'body.password'],
    ['/auth/drivers/login', { email: 'nope', password: 'long-enough' }, 'body.email'],
    ['/auth/drivers/login', { email: 'asha@example.com', password: 'long-enough', otp: 1 }, 'body.otp'],
    ['/auth/refresh', {}, 'body.refresh_token'],
    ['/auth/refresh', { refresh_token: '' }, 'body.refresh_token'],
    ['/auth/refresh', { refresh_token: 'x', kind: 'user' }, 'body.kind'],
  ])('%s %j', async (url, payload, field) => {
    const response = await post(url, JSON.parse(JSON.stringify(payload)));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(response.json().message).toContain(field);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/users/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false });
  });
});

describe('refresh tokens', () => {
  const refresh = (token: string) => post('/auth/refresh', { refresh_token: token });

  it('are stored only as SHA-256 hashes, bound to the principal kind', async () => {
    const { driver, refresh_token } = await registerDriver();
    const row = await prisma.refreshToken.findUniqueOrThrow({
      where: { tokenHash: createHash('sha256').update(refresh_token).digest('hex') },
    });
    expect(row).toMatchObject({ principalKind: 'driver', principalId: driver.id, rotatedAt: null, revokedAt: null });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(2_592_000_000);
    const rows = await prisma.refreshToken.findMany();
    expect(JSON.stringify(rows)).not.toContain(refresh_token);

    // The refreshed access token is a driver's again.
    const next = await refresh(refresh_token);
    expect(next.statusCode).toBe(200);
    expect((await get('/test/drivers-only', next.json().access_token)).json()).toEqual({ kind: 'driver', id: driver.id });
  });

  it('rotate: each refresh answers a new pair and the old refresh token stops working', async () => {
    const { user, refresh_token: first } = await registerUser();
    const response = await refresh(first);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { access_token: string; refresh_token: string };
    expect(body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(body.refresh_token).not.toBe(first);
    expect((await get('/test/users-only', body.access_token)).json()).toEqual({ kind: 'user', id: user.id });

    const third = await refresh(body.refresh_token);
    expect(third.statusCode).toBe(200);
    const old = await refresh(first);
    expect(old.statusCode).toBe(401);
    expect(old.json()).toEqual(UNAUTHORIZED);
  });

  it('reused after rotation: refused, and the whole family is revoked (the newest too); other logins live on', async () => {
    const { user, refresh_token: stolen } = await registerUser();
    const otherSession = (await post('/auth/users/login', { email: user.email, password: 'rider-password' })).json();
    const legit = (await refresh(stolen)).json().refresh_token as string;
    const newest = (await refresh(legit)).json().refresh_token as string;

    const replay = await refresh(stolen);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual(UNAUTHORIZED);
    expect((await refresh(newest)).json()).toEqual(UNAUTHORIZED);
    expect((await refresh(legit)).statusCode).toBe(401);

    const family = await prisma.refreshToken.findMany({ where: { principalId: user.id } });
    const revoked = family.filter((row) => row.revokedAt !== null);
    expect(revoked).toHaveLength(3);
    expect(new Set(revoked.map((row) => row.familyId)).size).toBe(1);
    expect((await refresh(otherSession.refresh_token)).statusCode).toBe(200);
  });

  it('presented twice at once: one exchange at most, and the family is revoked', async () => {
    const { refresh_token } = await registerUser();
    const answers = await Promise.all([refresh(refresh_token), refresh(refresh_token)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
    const winner = answers.find((a) => a.statusCode === 200)!.json().refresh_token as string;
    expect((await refresh(winner)).statusCode).toBe(401);
  });

  it('refuse an unknown or expired token with 401', async () => {
    expect((await refresh('x'.repeat(43))).json()).toEqual(UNAUTHORIZED);
    const { user } = await registerUser();
    const expired = await issueRefreshToken(
      prisma,
      { kind: 'user', id: user.id },
      {
        ttlSeconds: 60,
        now: new Date(Date.now() - 61_000),
      },
    );
    const response = await refresh(expired.token);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(UNAUTHORIZED);
  });
});

describe('JWKS', () => {
  it('serves the public key that verifies access tokens for a generic JOSE verifier, and nothing private', async () => {
    const response = await get('/.well-known/jwks.json');
    expect(response.statusCode).toBe(200);
    const jwks = response.json() as JSONWebKeySet;
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: keys.active.kid, alg: 'EdDSA', use: 'sig' }]);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');

    const { user, access_token } = await registerUser();
    const { payload, protectedHeader } = await jwtVerify(access_token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: keys.active.kid });
    expect(payload).toEqual({ sub: user.id, kind: 'user', iat: expect.any(Number), exp: expect.any(Number), sid: expect.stringMatching(UUID) });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
  });
});

describe('authenticate', () => {
  const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('admits a valid token and sets request.principal', async () => {
    const { user, access_token } = await registerUser();
    const response = await get('/test/anyone', access_token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ kind: 'user', id: user.id });
  });

  it('answers 403 to a valid token of the wrong kind', async () => {
    const rider = await registerUser();
    const driver = await registerDriver();
    const userOnDriverRoute = await get('/test/drivers-only', rider.access_token);
    expect(userOnDriverRoute.statusCode).toBe(403);
    expect(userOnDriverRoute.json()).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect((await get('/test/users-only', driver.access_token)).statusCode).toBe(403);
    expect((await get('/test/drivers-only', driver.access_token)).statusCode).toBe(200);
  });

  it('refuses missing, forged, tampered and expired tokens with exactly the API.md 401', async () => {
    const { user, access_token } = await registerUser();
    const [header = '', payload = '', signature = ''] = access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const publicPem = createPublicKey({ key: { ...keys.active.publicJwk }, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const hs256Input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: keys.active.kid })}.${payload}`;
    const now = Date.now();
    const refused: [string, string | undefined][] = [
      ['no token', undefined],
      ['not a JWT', 'garbage'],
      ['alg none', `${b64url({ alg: 'none', typ: 'JWT', kid: keys.active.kid })}.${payload}.`],
      ['HS256 signed with the public key', `${hs256Input}.${createHmac('sha256', publicPem).update(hs256Input).digest('base64url')}`],
      ['tampered payload', `${header}.${b64url({ ...claims, kind: 'driver' })}.${signature}`],
      ['tampered sub', `${header}.${b64url({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`],
      ['expired', signAccessToken(keys.active, { kind: 'user', id: user.id }, { ttlSeconds: 900, now: now - 901_000 })],
      ['signed by another key', signAccessToken(generateSigningKey(), { kind: 'user', id: user.id }, { ttlSeconds: 900 })],
    ];
    for (const [name, token] of refused) {
      for (const route of ['/test/anyone', '/test/drivers-only']) {
        const response = await get(route, token);
        expect({ name, route, status: response.statusCode, body: response.json() }).toEqual({
          name,
          route,
          status: 401,
          body: UNAUTHORIZED,
        });
      }
    }
    const wrongScheme = await app.inject({ method: 'GET', url: '/test/anyone', headers: { authorization: `Basic ${access_token}` } });
    expect(wrongScheme.statusCode).toBe(401);
    expect(wrongScheme.headers['www-authenticate']).toBe('Bearer');
  });
});
