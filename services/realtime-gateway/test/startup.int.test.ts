import { fileURLToPath } from 'node:url';
import { describeStartupContract, startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from '@rideline/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from './support/jwks-server.ts';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const DEVELOPMENT_KEY_WARNING = 'OTP_NOTICE_KEY is not set';

// booking-service's JWKS, so that the gateway's readiness (which includes `auth`) can turn green.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer?.close());

describeStartupContract({
  serviceDir,
  env: () => ({ AUTH_JWKS_URL: issuer.url }),
  refusals: [
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'ftp://keys.example/jwks.json' }],
    ['WS_MAX_BUFFERED_BYTES', { WS_MAX_BUFFERED_BYTES: 'a lot' }],
    ['OTP_NOTICE_KEY', { OTP_NOTICE_KEY: 'shorter-than-32-characters' }],
    ['WS_MAX_SOCKETS_PER_PRINCIPAL', { WS_MAX_SOCKETS_PER_PRINCIPAL: '0' }],
  ],
});

describe('the OTP notice key of the real process', () => {
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  const start = async (env: Record<string, string>) =>
    (service = await startServiceProcess(serviceDir, {
      AUTH_JWKS_URL: issuer.url,
      KAFKA_BROKERS: testKafkaBrokers(),
      OTP_NOTICE_KEY: '',
      // Also required in production; set, so that these cases are about the OTP key alone.
      CORS_ALLOWED_ORIGINS: 'https://app.example.com',
      ...env,
    }));

  it('with NODE_ENV=production, refuses to start without OTP_NOTICE_KEY: one line, exit 1', async () => {
    await start({ NODE_ENV: 'production' });
    expect(await service!.exited).toBe(1);
    expect(service!.output()).toBe('realtime-gateway failed to start: Invalid configuration: NODE_ENV=production requires OTP_NOTICE_KEY (not set)\n');
  });

  it('with NODE_ENV=production and a key, starts without the development-key warning', async () => {
    await start({ NODE_ENV: 'production', OTP_NOTICE_KEY: 'a-production-notice-key-of-32-characters-or-more' });
    await waitUntilReady(service!);
    expect(service!.output()).not.toContain(DEVELOPMENT_KEY_WARNING);
    expect(await service!.stop()).toBe(0);
  });

  it('outside production, starts with the public development key and warns once', async () => {
    await start({ NODE_ENV: 'development' });
    await waitUntilReady(service!);
    expect(service!.output().split(DEVELOPMENT_KEY_WARNING)).toHaveLength(2);
    expect(await service!.stop()).toBe(0);
  });
});
