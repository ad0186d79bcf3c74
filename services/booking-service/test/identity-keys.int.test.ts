/**
 * Access-token signing keys on a real PostgreSQL (a fresh database for this file): without
 * JWT_PRIVATE_KEY the first start generates a key and keeps it in `signing_keys`, instances
 * starting together agree on one key, and later starts reuse it; with JWT_PRIVATE_KEY that
 * key signs and the database is not involved.
 */
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../src/db/client.ts';
import { prepareDatabase } from '../src/db/migrate.ts';
import { accessTokenAuth } from '@rideline/auth';
import Fastify from 'fastify';
import { generateSigningKey, loadSigningKeys, signAccessToken, type SigningKeys } from '../src/identity/index.ts';

let database: ScratchDatabase;
const clients: PrismaClient[] = [];
const client = (databaseUrl = database.databaseUrl) => {
  const prisma = createPrismaClient(databaseUrl, { poolMax: 2 });
  clients.push(prisma);
  return prisma;
};

beforeAll(async () => {
  database = await createScratchDatabase(undefined, 'rideline_booking_identity_keys');
  await prepareDatabase(database.databaseUrl);
});

afterAll(async () => {
  await Promise.all(clients.map((prisma) => prisma.$disconnect()));
  await database?.drop();
});

const recordingLogger = () => {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => void warnings.push(message) };
};
const rider = { kind: 'user', id: '3f0c2a4e-8d1b-4c6a-9e7f-0a1b2c3d4e5f' } as const;

/** What the access-token plugin says of `token` with these keys. */
async function verifyWith(keys: SigningKeys, token: string) {
  const app = Fastify();
  await app.register(accessTokenAuth, { keys: keys.verification });
  try {
    return await app.accessTokens.verify(token);
  } finally {
    await app.close();
  }
}

describe('loadSigningKeys without JWT_PRIVATE_KEY', () => {
  it('on a first start of several instances at once: one key is generated, and all of them use it', async () => {
    const loggers = [recordingLogger(), recordingLogger(), recordingLogger()];
    const loaded = await Promise.all(loggers.map((logger) => loadSigningKeys(client(), { jwtPrivateKey: undefined }, logger)));
    const kids = new Set(loaded.map((keys) => keys.active.kid));
    expect(kids.size).toBe(1);
    expect(loaded.every((keys) => keys.source === 'database')).toBe(true);
    expect(await client().signingKey.count()).toBe(1);
    for (const logger of loggers) expect(logger.warnings.join('\n')).toMatch(/JWT_PRIVATE_KEY is not set.*production/);
    expect(loggers.filter((logger) => logger.warnings[0]?.includes('newly generated'))).toHaveLength(1);
  });

  it('keeps the key: a restart loads the same one, and tokens signed before still verify', async () => {
    const before = await loadSigningKeys(client(), { jwtPrivateKey: undefined });
    const token = signAccessToken(before.active, rider, { ttlSeconds: 900 });
    const after = await loadSigningKeys(client(), { jwtPrivateKey: undefined }, recordingLogger());
    expect(after.active).toEqual(before.active);
    expect(after.jwks).toEqual(before.jwks);
    expect(await verifyWith(after, token)).toMatchObject({ ok: true, principal: rider });

    const [row] = await client().signingKey.findMany();
    expect(row).toMatchObject({ kid: before.active.kid, publicJwk: before.active.publicJwk, privateKeyPem: before.active.privateKeyPem });
    expect(row?.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(row?.publicJwk).not.toHaveProperty('d');
  });
});

describe('loadSigningKeys in a schema other than public (?schema=)', () => {
  it('keeps its key in that schema', async () => {
    const url = `${database.databaseUrl}?schema=identity_elsewhere`;
    await prepareDatabase(url);
    const [first, second] = await Promise.all([
      loadSigningKeys(client(url), { jwtPrivateKey: undefined }),
      loadSigningKeys(client(url), { jwtPrivateKey: undefined }),
    ]);
    expect(second.active.kid).toBe(first.active.kid);
    expect(await client(url).signingKey.count()).toBe(1);
    expect((await client().signingKey.findMany()).map((row) => row.kid)).not.toContain(first.active.kid);
  });
});

describe('loadSigningKeys with JWT_PRIVATE_KEY', () => {
  it('signs with the configured key, serves only it, warns about nothing and stores nothing', async () => {
    const configured = generateSigningKey();
    const logger = recordingLogger();
    const prisma = client();
    const rowsBefore = await prisma.signingKey.count();
    const keys = await loadSigningKeys(prisma, { jwtPrivateKey: configured.privateKeyPem }, logger);
    expect(keys.source).toBe('config');
    expect(keys.active).toEqual(configured);
    expect(keys.jwks).toEqual({ keys: [configured.publicJwk] });
    expect(logger.warnings).toEqual([]);
    expect(await prisma.signingKey.count()).toBe(rowsBefore);

    const token = signAccessToken(keys.active, rider, { ttlSeconds: 900 });
    expect((await verifyWith(keys, token)).ok).toBe(true);
    const stored = await loadSigningKeys(prisma, { jwtPrivateKey: undefined });
    expect(await verifyWith(stored, token)).toEqual({ ok: false, reason: 'unknown key' });
  });
});
