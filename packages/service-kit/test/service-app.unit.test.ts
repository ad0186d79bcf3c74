import Type from 'typebox';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, defineErrors, type ServiceApp } from '../src/index.ts';

const errors = defineErrors({ BOOKING_TAKEN: [409, 'Booking already taken.'] });
let app: ServiceApp;

async function build(ready: boolean) {
  ({ app } = await createServiceApp({
    service: 'test',
    logger: pino({ level: 'silent' }),
    readiness: {
      kafka: async () => {},
      database: async () => {
        if (!ready) throw new Error('down');
      },
    },
  }));
  app.post(
    '/things',
    { schema: { body: Type.Object({ pickup: Type.Object({ lat: Type.Number({ maximum: 90 }) }) }, { additionalProperties: false }) } },
    async () => ({ ok: true }),
  );
  app.get('/bookings/:id', { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async () => ({ ok: true }));
  app.get('/taken', async () => {
    throw errors.BOOKING_TAKEN();
  });
  app.get('/boom', async () => {
    throw new Error('secret internals');
  });
  return app;
}

afterEach(() => app.close());

describe('createServiceApp', () => {
  it('answers liveness and readiness when dependencies are up', async () => {
    await build(true);
    expect((await app.inject('/health/live')).statusCode).toBe(200);
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { kafka: 'up', database: 'up' } });
  });

  it('is not ready, naming the dependency, when one is down', async () => {
    await build(false);
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ success: false, code: 'NOT_READY', checks: { database: 'down' } });
    expect(ready.json().message).toContain('database');
  });

  it('takes a uuid only in its canonical form (the urn form passed and failed at PostgreSQL with a 500)', async () => {
    await build(true);
    const id = '6f1c1f0e-0000-4000-8000-00000000000A';
    expect((await app.inject(`/bookings/${id}`)).statusCode).toBe(200);
    const urn = await app.inject(`/bookings/urn:uuid:${id}`);
    expect(urn.statusCode).toBe(400);
    expect(urn.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
  });

  it('serves Prometheus metrics', async () => {
    await build(true);
    await app.inject('/health/live');
    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('rideline_http_request_duration_seconds');
    expect(metrics.body).toContain('process_resident_memory_bytes');
  });

  it.each([
    ['an out-of-range field', { pickup: { lat: 91 } }, 'body.pickup.lat'],
    ['a missing field', { pickup: {} }, 'body.pickup.lat'],
    ['an unknown field', { pickup: { lat: 1 }, extra: 1 }, 'body.extra'],
  ])('answers 400 naming the field for %s', async (_name, payload, field) => {
    await build(true);
    const response = await app.inject({ method: 'POST', url: '/things', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(response.json().message).toContain(field);
  });

  it('answers 400, not 500, for a body that is not JSON', async () => {
    await build(true);
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().success).toBe(false);
  });

  it('maps catalogue errors to their status and code', async () => {
    await build(true);
    const response = await app.inject('/taken');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ success: false, message: 'Booking already taken.', code: 'BOOKING_TAKEN' });
  });

  it('hides unexpected errors behind a plain 500', async () => {
    await build(true);
    const response = await app.inject('/boom');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ success: false, message: 'Internal error.', code: 'INTERNAL' });
    expect(response.body).not.toContain('secret');
  });

  it('answers unknown routes with the error body', async () => {
    await build(true);
    const response = await app.inject('/nowhere');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });
});

describe('OpenAPI', () => {
  it('documents every route with its schemas at /openapi.json', async () => {
    await build(true);
    const document = (await app.inject('/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/things'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('pickup');
    expect(document.paths).toHaveProperty(['/health/ready']);
  });
});

describe('router errors', () => {
  it('answers an overlong path parameter with the API.md body, without echoing the path', async () => {
    await build(true);
    app.get('/items/:id', async () => ({}));
    const response = await app.inject(`/items/${'x'.repeat(2_000)}`);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json()).toMatchObject({ success: false, code: 'FST_ERR_MAX_PARAM_LENGTH' });
    expect(response.body).not.toContain('xxxxxxxx');
  });
});

describe('query strings and dependencies', () => {
  it('reads numbers in a query string, but not in a body', async () => {
    await build(true);
    app.get('/page', { schema: { querystring: Type.Object({ limit: Type.Integer({ maximum: 200 }) }) } }, async (request) => request.query);
    expect((await app.inject('/page?limit=200')).json()).toEqual({ limit: 200 });
    expect((await app.inject('/page?limit=201')).statusCode).toBe(400);
    const body = await app.inject({ method: 'POST', url: '/things', payload: { pickup: { lat: '12' } } });
    expect(body.statusCode).toBe(400);
  });

  it('answers 503, not 500, when a dependency cannot be reached', async () => {
    await build(true);
    app.get('/db', async () => {
      throw new Error('query failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) });
    });
    const response = await app.inject('/db');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ success: false, code: 'DEPENDENCY_DOWN' });
  });
});

describe('NUL characters', () => {
  it('are refused at the boundary with 400 naming the field', async () => {
    await build(true);
    const response = await app.inject({ method: 'POST', url: '/things', payload: { pickup: { lat: 1 }, note: 'a\u0000b' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(response.json().message).toContain('body.note');
  });
});
