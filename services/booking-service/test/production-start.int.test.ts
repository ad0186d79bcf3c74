/**
 * NODE_ENV=production on the real process: booking-service refuses to start without its keys
 * (one line naming every missing one, exit code 1) instead of generating them into its
 * database; with them it starts and stores no secret.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from '@rideline/test-support';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPrismaClient } from '../src/db/client.ts';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
let database: ScratchDatabase;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  database = await createScratchDatabase(undefined, 'rideline_booking_production');
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
});
afterAll(() => database?.drop());

// CORS_ALLOWED_ORIGINS is required in production too (every service): set, so the keys are what is missing.
const production = () => ({
  NODE_ENV: 'production',
  CORS_ALLOWED_ORIGINS: 'https://app.example.com',
  DATABASE_URL: database.databaseUrl,
  KAFKA_BROKERS: testKafkaBrokers(),
});
const keys = {
  JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  OTP_SECRET: randomBytes(32).toString('base64url'),
  OTP_NOTICE_KEY: randomBytes(32).toString('base64url'),
};

it('refuses to start without JWT_PRIVATE_KEY, OTP_SECRET and OTP_NOTICE_KEY, naming them in one line', async () => {
  service = await startServiceProcess(serviceDir, production());
  expect(await service.exited).toBe(1);
  const lines = service.output().trim().split('\n');
  expect(lines).toEqual([
    'booking-service failed to start: Invalid configuration: NODE_ENV=production requires JWT_PRIVATE_KEY, OTP_SECRET, OTP_NOTICE_KEY (not set)',
  ]);
});

it('names only what is missing', async () => {
  service = await startServiceProcess(serviceDir, { ...production(), JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY, OTP_SECRET: keys.OTP_SECRET });
  expect(await service.exited).toBe(1);
  expect(service.output()).toContain('NODE_ENV=production requires OTP_NOTICE_KEY (not set)');
});

it('starts with all three, and keeps no generated secret in the database', async () => {
  service = await startServiceProcess(serviceDir, { ...production(), ...keys });
  await waitUntilReady(service);
  expect(service.output()).not.toMatch(/generated|development key/);
  expect(await service.stop()).toBe(0);
  const prisma = createPrismaClient(database.databaseUrl);
  try {
    expect(await prisma.signingKey.count()).toBe(0);
    expect(await prisma.serviceSecret.count()).toBe(0);
  } finally {
    await prisma.$disconnect();
  }
});

it('outside production, starts without them: generates the JWT key and OTP secret into the database and warns once for each', async () => {
  const { NODE_ENV: _production, ...development } = production();
  service = await startServiceProcess(serviceDir, { ...development, NODE_ENV: 'development' });
  await waitUntilReady(service);
  const output = service.output();
  expect(output.match(/JWT_PRIVATE_KEY is not set/g)).toHaveLength(1);
  expect(output.match(/otp_secret generated/g)).toHaveLength(1);
  expect(output.match(/OTP_NOTICE_KEY is not set: OTP notices are sealed with the public development key/g)).toHaveLength(1);
});
