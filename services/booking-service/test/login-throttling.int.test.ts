/**
 * Login throttling and the password-hashing bound over HTTP, on a real PostgreSQL shared by
 * two app instances (as several booking-service instances share one database): failures per
 * account and per client address, lockouts that double, 429 with Retry-After, and 503 when
 * hashing is saturated. Lockouts are real seconds: the settings here keep them short.
 */
import { loadConfig } from '@rideline/config';
import { DEFAULT_TOPIC_NAMES } from '@rideline/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { createLogger, createServiceApp, type ServiceApp } from '@rideline/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../src/db/client.ts';
import { prepareDatabase } from '../src/db/migrate.ts';
import { identityRoutes, identitySettings, loadSigningKeys, type SigningKeys } from '../src/identity/index.ts';
import { LoginThrottle } from '../src/identity/login-throttle.ts';

let database: ScratchDatabase;
let prisma: PrismaClient;
let keys: SigningKeys;
const apps: ServiceApp[] = [];

const THROTTLE = {
  LOGIN_ACCOUNT_FREE_FAILURES: '3',
  LOGIN_ADDRESS_FREE_FAILURES: '1000',
  LOGIN_LOCKOUT_BASE_SECONDS: '2',
};

/** One instance of the identity app on the shared database. */
async function instance(env: Record<string, string> = {}): Promise<ServiceApp> {
  const { app } = await createServiceApp({
    service: 'booking-service',
    logger: createLogger('throttle-test', 'silent'),
    readiness: {},
  });
  const config = loadConfig(identitySettings, { ...THROTTLE, ...env });
  await app.register(identityRoutes, { prisma, keys, config, revocations: { topics: DEFAULT_TOPIC_NAMES, wake: { isLeader: true, publishNow() {} } } });
  await app.ready();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  database = await createScratchDatabase(undefined, 'rideline_booking_throttle');
  await prepareDatabase(database.databaseUrl);
  prisma = createPrismaClient(database.databaseUrl);
  keys = await loadSigningKeys(prisma, { jwtPrivateKey: undefined });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await prisma?.$disconnect();
  await database?.drop();
});

let counter = 0;
const uniqueEmail = () => `throttle.${Date.now()}.${++counter}@example.com`;
const PASSWORD = 'right-password';

async function registerRider(app: ServiceApp): Promise<string> {
  const email = uniqueEmail();
  const response = await app.inject({ method: 'POST', url: '/auth/users/register', payload: { name: 'Rider', email, password: PASSWORD } });
  expect(response.statusCode).toBe(201);
  return email;
}

const login = (app: ServiceApp, email: string, password: string, from = '198.51.100.1', headers: Record<string, string> = {}, kind = 'users') =>
  app.inject({ method: 'POST', url: `/auth/${kind}/login`, payload: { email, password }, remoteAddress: from, headers });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TOO_MANY = { success: false, message: 'Too many failed login attempts; try again later.', code: 'TOO_MANY_ATTEMPTS' };

describe('per account', () => {
  it('locks after the free failures: 429 with Retry-After, the right password refused too, until the lockout ends', async () => {
    const app = await instance();
    const email = await registerRider(app);
    for (let i = 0; i < 3; i++) expect((await login(app, email, 'wrong-password')).statusCode).toBe(401);

    const locked = await login(app, email, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual(TOO_MANY);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(2);
    // Another address changes nothing: the account is locked.
    expect((await login(app, email, PASSWORD, '198.51.100.77')).statusCode).toBe(429);

    await sleep(Number(locked.headers['retry-after']) * 1000 + 100);
    expect((await login(app, email, PASSWORD)).statusCode).toBe(200);
    // The success forgot the failures: three free ones again.
    for (let i = 0; i < 3; i++) expect((await login(app, email, 'wrong-password')).statusCode).toBe(401);
    expect((await login(app, email, PASSWORD)).statusCode).toBe(429);
  });

  it('doubles the lockout with each further failure', async () => {
    const app = await instance({ LOGIN_ACCOUNT_FREE_FAILURES: '2', LOGIN_LOCKOUT_BASE_SECONDS: '1' });
    const email = await registerRider(app);
    const lockouts: number[] = [];
    expect((await login(app, email, 'wrong-password')).statusCode).toBe(401);
    for (let round = 0; round < 3; round++) {
      expect((await login(app, email, 'wrong-password')).statusCode).toBe(401);
      const refused = await login(app, email, 'wrong-password');
      expect(refused.statusCode).toBe(429);
      // The lockout decided, read where it is kept: Retry-After is what is left of it when the
      // refusal is answered, which a slow (busy) hash of the failure before can shorten.
      const [lock] = await prisma.$queryRaw<{ seconds: number }[]>`
        SELECT extract(epoch FROM locked_until - last_failure_at)::float8 AS seconds FROM login_throttles
        WHERE bucket LIKE 'account:%' AND locked_until IS NOT NULL ORDER BY last_failure_at DESC LIMIT 1`;
      lockouts.push(Math.round(lock!.seconds));
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(lockouts.at(-1)!);
      await sleep(retryAfter * 1000 + 100);
    }
    expect(lockouts).toEqual([1, 2, 4]);
  });

  it('is counted across instances sharing the database', async () => {
    const [first, second] = [await instance(), await instance()];
    const email = await registerRider(first);
    expect((await login(first, email, 'wrong-password')).statusCode).toBe(401);
    expect((await login(second, email, 'wrong-password')).statusCode).toBe(401);
    expect((await login(first, email, 'wrong-password')).statusCode).toBe(401);
    const refused = await login(second, email, PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await login(first, email, PASSWORD)).statusCode).toBe(429);
  });

  it('holds for driver logins and unknown emails alike (a 429 does not tell whether the account exists)', async () => {
    const app = await instance();
    const nobody = uniqueEmail();
    for (let i = 0; i < 3; i++) expect((await login(app, nobody, 'guess', undefined, {}, 'drivers')).statusCode).toBe(401);
    const refused = await login(app, nobody, 'guess', undefined, {}, 'drivers');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual(TOO_MANY);
    // A rider account of the same email is another account.
    expect((await login(app, nobody, 'guess')).statusCode).toBe(401);
  });
});

describe('per client address', () => {
  it('locks an address that fails across many accounts; other addresses are not affected', async () => {
    const app = await instance({ LOGIN_ADDRESS_FREE_FAILURES: '4' });
    const victims: string[] = [];
    for (let i = 0; i < 5; i++) victims.push(await registerRider(app));
    for (const email of victims.slice(0, 4)) expect((await login(app, email, 'wrong-password', '203.0.113.50')).statusCode).toBe(401);
    const refused = await login(app, victims[4]!, PASSWORD, '203.0.113.50');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual(TOO_MANY);
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await login(app, victims[4]!, PASSWORD, '203.0.113.51')).statusCode).toBe(200);
  });

  it('is the socket address; X-Forwarded-For only with TRUST_PROXY_HOPS', async () => {
    const direct = await instance({ LOGIN_ADDRESS_FREE_FAILURES: '2' });
    const proxied = await instance({ LOGIN_ADDRESS_FREE_FAILURES: '2', TRUST_PROXY_HOPS: '1' });
    const email = await registerRider(direct);
    const forged = (n: number) => ({ 'x-forwarded-for': `192.0.2.${n}` });
    // Without trust, a client cannot escape its address by writing X-Forwarded-For.
    expect((await login(direct, uniqueEmail(), 'x', '203.0.113.60', forged(1))).statusCode).toBe(401);
    expect((await login(direct, uniqueEmail(), 'x', '203.0.113.60', forged(2))).statusCode).toBe(401);
    expect((await login(direct, email, PASSWORD, '203.0.113.60', forged(3))).statusCode).toBe(429);
    // Behind a trusted proxy (the socket is the proxy), the forwarded address is the client.
    expect((await login(proxied, uniqueEmail(), 'x', '10.0.0.2', forged(10))).statusCode).toBe(401);
    expect((await login(proxied, uniqueEmail(), 'x', '10.0.0.2', forged(10))).statusCode).toBe(401);
    expect((await login(proxied, email, PASSWORD, '10.0.0.2', forged(10))).statusCode).toBe(429);
    expect((await login(proxied, email, PASSWORD, '10.0.0.2', forged(11))).statusCode).toBe(200);
  });
});

describe('the password-hashing bound', () => {
  it('sheds what it cannot start in time with 503 and Retry-After, and does not count it as a failure', async () => {
    const app = await instance({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1', PASSWORD_HASH_MAX_WAIT_MS: '1' });
    const email = await registerRider(app);
    const answers = await Promise.all([0, 1, 2, 3].map((i) => login(app, email, 'wrong-password', `203.0.113.${70 + i}`)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(2);
    const shed = answers.find((a) => a.statusCode === 503)!;
    expect(shed.json()).toEqual({ success: false, message: expect.any(String), code: 'SERVICE_BUSY' });
    expect(shed.headers['retry-after']).toBe('1');
    const judged = statuses.filter((s) => s === 401).length;
    const row = await prisma.loginThrottle.findUnique({ where: { bucket: `account:user:${email}` } });
    expect(row?.failures).toBe(judged);
  });
});

describe('hashing lanes', () => {
  it('known after a success from that address; returning from another; normal for a clean account and address; suspect after failures', async () => {
    const throttle = new LoginThrottle(prisma, loadConfig(identitySettings, THROTTLE).loginThrottle);
    const account = `user:${uniqueEmail()}`;
    const first = await throttle.claim(account, '203.0.113.90');
    expect(first.lane).toBe('normal');
    await first.succeeded();
    const again = await throttle.claim(account, '203.0.113.90');
    expect(again.lane).toBe('known');
    await again.refund();
    // An attempt never settled is a wrong password: it stays counted. The next attempt from
    // elsewhere is suspect, from home still known.
    // From a new address, an account that logged in lately is returning; once an attempt is
    // left unsettled (a wrong password), the next from elsewhere is suspect, from home still known.
    const elsewhere = await throttle.claim(account, '203.0.113.91');
    expect(elsewhere.lane).toBe('returning');
    expect((await throttle.claim(account, '203.0.113.92')).lane).toBe('suspect');
    expect((await throttle.claim(account, '203.0.113.90')).lane).toBe('known');
  });
});
