import { fileURLToPath } from 'node:url';
import { startServiceProcess, testKafkaBrokers, waitUntilReady, type ServiceProcess } from '@rideline/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropTopics, scratchTopics } from './support/dispatch-harness.ts';
import { TestIssuer } from '@rideline/auth/testing';

/**
 * CORS of the real process (CORS_ALLOWED_ORIGINS, commonSettings; service-kit's installCors):
 * what a browser's preflight and request get back, and the production start-up rule.
 */
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = scratchTopics();
const jwks = new TestIssuer();
const APP = 'https://app.example.com';

beforeAll(async () => {
  await jwks.start();
});
afterAll(async () => {
  await jwks.stop();
  await dropTopics(scratch.names, [scratch.group]);
});

let service: ServiceProcess | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

async function start(env: Record<string, string>): Promise<ServiceProcess> {
  service = await startServiceProcess(serviceDir, { AUTH_JWKS_URL: jwks.url, KAFKA_BROKERS: testKafkaBrokers(), ...scratch.env, ...env });
  return service;
}

const preflight = (running: ServiceProcess, origin: string) =>
  fetch(`${running.baseUrl}/drivers/me/location`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
  });
const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS of the real dispatch-service', () => {
  it('with a list: an allowed origin gets its preflight answered, another origin gets no CORS header', async () => {
    const running = await start({ NODE_ENV: 'production', CORS_ALLOWED_ORIGINS: `${APP}, http://localhost:5173` });
    await waitUntilReady(running);

    const allowed = await preflight(running, APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, X-Request-Id');
    expect(allowed.headers.get('vary')).toContain('Origin');

    // The request the preflight was for: refused for want of a token, and readable by the page.
    const request = await fetch(`${running.baseUrl}/drivers/me/location`, {
      method: 'PUT',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 12.97, lng: 77.59 }),
    });
    expect(request.status).toBe(401);
    expect(request.headers.get('access-control-allow-origin')).toBe(APP);
    expect(await request.json()).toMatchObject({ success: false, message: 'Invalid or expired token.' });

    for (const origin of ['https://evil.example.com', `${APP}.evil.test`, 'http://app.example.com']) {
      const refused = await preflight(running, origin);
      expect(corsHeaders(refused), origin).toEqual([]);
      expect(refused.status, origin).toBe(404);
      expect(await refused.json()).toMatchObject({ success: false });
      const live = await fetch(`${running.baseUrl}/health/live`, { headers: { origin } });
      expect(live.status).toBe(200);
      expect(corsHeaders(live), origin).toEqual([]);
    }
    expect(await running.stop()).toBe(0);
  });

  it('in development without the setting: any origin is allowed', async () => {
    const running = await start({ NODE_ENV: 'development', CORS_ALLOWED_ORIGINS: '' });
    await waitUntilReady(running);
    for (const origin of ['http://localhost:5173', 'https://anything.example.org']) {
      const response = await preflight(running, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT');
    }
    expect(await running.stop()).toBe(0);
  });

  it('with NODE_ENV=production and no setting: refuses to start, one line naming it, exit 1', async () => {
    const running = await start({ NODE_ENV: 'production', CORS_ALLOWED_ORIGINS: '' });
    expect(await running.exited).toBe(1);
    expect(running.output()).toBe('dispatch-service failed to start: Invalid configuration: NODE_ENV=production requires CORS_ALLOWED_ORIGINS (not set)\n');
  });

  it('refuses a malformed origin list, naming the setting', async () => {
    const running = await start({ CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('CORS_ALLOWED_ORIGINS must be comma-separated origins');
  });
});
