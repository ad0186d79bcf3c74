import { fileURLToPath } from 'node:url';
import { describeStartupContract, freePort, startServiceProcess, testKafkaBrokers, type ServiceProcess } from '@rideline/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTopics, scratchTopics } from './support/dispatch-harness.ts';
import { TestIssuer } from '@rideline/auth/testing';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = scratchTopics();
const jwks = new TestIssuer();

beforeAll(async () => {
  await jwks.start();
});
afterAll(async () => {
  await jwks.stop();
  await dropTopics(scratch.names, [scratch.group]);
});

describeStartupContract({
  serviceDir,
  env: () => ({ AUTH_JWKS_URL: jwks.url, ...scratch.env }),
  refusals: [
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'not a url' }],
    ['DISPATCH_WIDEN_STEPS_M', { DISPATCH_WIDEN_STEPS_M: '10km' }],
  ],
});

describe('without booking-service', () => {
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop();
  });

  it('starts and is live, reporting auth down until the signing keys can be loaded', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`;
    service = await startServiceProcess(serviceDir, { ...scratch.env, AUTH_JWKS_URL: nobody, KAFKA_BROKERS: testKafkaBrokers() });
    const deadline = Date.now() + 20_000;
    let ready: Response | undefined;
    while (Date.now() < deadline) {
      ready = await fetch(`${service.baseUrl}/health/ready`).catch(() => undefined);
      if (ready && ((await ready.clone().json()) as { checks?: { state?: string } }).checks?.state === 'up') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready?.status).toBe(503);
    expect(await ready?.json()).toMatchObject({ success: false, checks: { kafka: 'up', auth: 'down', state: 'up' } });
    expect((await fetch(`${service.baseUrl}/health/live`)).status).toBe(200);
    expect(await service.stop()).toBe(0);
  });
});
