import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from '../src/index.ts';

let app: ServiceApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(allowedOrigins: readonly string[] | null): Promise<ServiceApp> {
  ({ app } = await createServiceApp({ service: 'test', cors: { allowedOrigins }, logger: pino({ level: 'silent' }), readiness: {} }));
  app.put('/drivers/me/location', async (_request, reply) => reply.code(204).send());
  return app;
}

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/drivers/me/location',
  headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
});
const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('CORS', () => {
  it('answers a preflight from an allowed origin with 204 and the methods and headers of the API', async () => {
    const response = await (await build(['https://app.example.com'])).inject(preflight('https://app.example.com'));
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT');
    expect(response.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, X-Request-Id');
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers['vary']).toContain('Origin');
  });

  it('gives an actual request from an allowed origin its origin and the exposed headers', async () => {
    const response = await (await build(['https://app.example.com'])).inject({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('gives an origin not on the list no CORS header, and no preflight answer (404, API body)', async () => {
    const built = await build(['https://app.example.com']);
    const refused = await built.inject(preflight('https://evil.example.com'));
    expect(refused.statusCode).toBe(404);
    expect(corsHeaders(refused.headers)).toEqual([]);
    expect(refused.json()).toMatchObject({ success: false });
    const actual = await built.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://app.example.com.evil.test' } });
    expect(actual.statusCode).toBe(200);
    expect(corsHeaders(actual.headers)).toEqual([]);
  });

  it('allows any origin when no list is set (the development default)', async () => {
    const response = await (await build(null)).inject(preflight('http://localhost:5173'));
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('adds nothing to a request without Origin', async () => {
    const response = await (await build(null)).inject({ method: 'GET', url: '/health/live' });
    expect(corsHeaders(response.headers)).toEqual([]);
  });
});

describe('CORS of an app built without a policy', () => {
  it('allows no origin (fails closed)', async () => {
    ({ app } = await createServiceApp({ service: 'test', logger: pino({ level: 'silent' }), readiness: {} }));
    const response = await app.inject({ method: 'GET', url: '/health/live', headers: { origin: 'http://localhost:5173' } });
    expect(corsHeaders(response.headers)).toEqual([]);
  });
});
