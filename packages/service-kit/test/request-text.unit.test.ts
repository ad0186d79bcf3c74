import Type from 'typebox';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from '../src/index.ts';

/** The text guard and the body parsers, as every service gets them from createServiceApp. */
let app: ServiceApp;

beforeEach(async () => {
  ({ app } = await createServiceApp({ service: 'test', logger: pino({ level: 'silent' }), readiness: {} }));
  app.post(
    '/bookings',
    {
      schema: {
        body: Type.Object(
          { pickup: Type.Object({ lat: Type.Number(), address: Type.String() }), vehicle: Type.Optional(Type.Object({ plate: Type.String() })) },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ ok: true }),
  );
  app.post('/bookings/:id/accept', async (request) => ({ id: (request.params as { id: string }).id, body: request.body ?? 'none' }));
  app.post(
    '/bookings/:id/cancel',
    {
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { body: Type.Object({ reason: Type.Optional(Type.String()) }, { additionalProperties: false }) },
    },
    async (request) => ({ reason: request.body.reason ?? null }),
  );
  app.put('/availability', { schema: { body: Type.Object({ available: Type.Boolean() }, { additionalProperties: false }) } }, async () => ({ ok: true }));
  app.get('/search', { schema: { querystring: Type.Object({ q: Type.Optional(Type.String()) }) } }, async (request) => request.query);
});
afterEach(() => app.close());

const json = (method: 'POST' | 'PUT', url: string, payload: string) => app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload });

describe('ill-formed text', () => {
  it.each([
    ['a lone surrogate in a nested body string', '{"pickup":{"lat":1,"address":"A\\ud800"}}', 'body.pickup.address must not hold a lone surrogate'],
    [
      'a lone low surrogate in an optional object',
      '{"pickup":{"lat":1,"address":"A"},"vehicle":{"plate":"\\udc00KA"}}',
      'body.vehicle.plate must not hold a lone surrogate',
    ],
    ['NUL in a body string', '{"pickup":{"lat":1,"address":"A\\u0000"}}', 'body.pickup.address must not hold a NUL character'],
    ['a lone surrogate in an unknown field', '{"pickup":{"lat":1,"address":"A"},"note":"\\ud800"}', 'body.note must not hold a lone surrogate'],
    ['a lone surrogate in a field name', '{"pickup":{"lat":1,"address":"A","\\ud800":1}}', 'body.pickup has a field name holding a lone surrogate'],
  ])('%s: 400 naming the field, before any other validation', async (_name, payload, message) => {
    const response = await json('POST', '/bookings', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, code: 'VALIDATION_FAILED', message: expect.stringContaining(message) });
  });

  it('accepts well-formed text: pairs, combining marks, emoji', async () => {
    const response = await json('POST', '/bookings', JSON.stringify({ pickup: { lat: 1, address: '🚕 e\u0301 \ud83d\ude00' } }));
    expect(response.statusCode).toBe(200);
  });

  it('refuses NUL in a query string or a path parameter, naming it', async () => {
    const query = await app.inject('/search?q=a%00');
    expect(query.statusCode).toBe(400);
    expect(query.json().message).toContain('querystring.q must not hold a NUL character');
    const param = await app.inject({ method: 'POST', url: '/bookings/a%00b/accept' });
    expect(param.statusCode).toBe(400);
    expect(param.json().message).toContain('params.id must not hold a NUL character');
  });

  it('leaves a WebSocket upgrade to its route, whose handshake answers are fixed by the spec', async () => {
    const upgrade = await app.inject({ url: '/search?q=a%00', headers: { connection: 'upgrade', upgrade: 'websocket' } });
    expect(upgrade.statusCode).toBe(200);
  });

  it('answers a percent-encoded surrogate (invalid UTF-8) in a URL with the API body, not 500', async () => {
    for (const url of ['/search?q=%ED%A0%80', '/bookings/%ED%A0%80/accept']) {
      const response = await app.inject({ method: url.startsWith('/search') ? 'GET' : 'POST', url });
      expect(response.statusCode, url).toBeLessThan(500);
      if (response.statusCode >= 400) expect(response.json(), url).toMatchObject({ success: false, code: expect.any(String) });
      else expect(JSON.stringify(response.json())).not.toMatch(/\\ud[89ab]/i);
    }
  });
});

describe('bodyless requests', () => {
  it.each([['application/json'], ['application/json; charset=utf-8'], ['text/plain'], ['application/octet-stream'], ['application/x-www-form-urlencoded']])(
    'an empty body with Content-Type %s is no body',
    async (contentType) => {
      const accept = await app.inject({ method: 'POST', url: '/bookings/b1/accept', headers: { 'content-type': contentType }, payload: '' });
      expect(accept.statusCode).toBe(200);
      expect(accept.json()).toEqual({ id: 'b1', body: 'none' });
      const cancel = await app.inject({ method: 'POST', url: '/bookings/b1/cancel', headers: { 'content-type': contentType }, payload: '' });
      expect(cancel.statusCode).toBe(200);
      expect(cancel.json()).toEqual({ reason: null });
    },
  );

  it('and with no Content-Type at all', async () => {
    expect((await app.inject({ method: 'POST', url: '/bookings/b1/accept' })).statusCode).toBe(200);
  });

  it('a body a route requires is still required: 400 naming it', async () => {
    for (const contentType of ['application/json', undefined]) {
      const response = await app.inject({ method: 'PUT', url: '/availability', headers: contentType ? { 'content-type': contentType } : {}, payload: '' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ success: false, code: 'VALIDATION_FAILED', message: 'body must be object' });
    }
  });

  it('a non-empty malformed JSON body is still 400, a poisoned one too, and the parsed body still works', async () => {
    for (const payload of ['{nope', ' ', '{"reason":"x",}', '{"__proto__":{"admin":true}}']) {
      const response = await json('POST', '/bookings/b1/cancel', payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json(), payload).toMatchObject({ success: false, code: expect.any(String) });
    }
    const ok = await json('POST', '/bookings/b1/cancel', '{"reason":"late"}');
    expect(ok.json()).toEqual({ reason: 'late' });
  });

  it('a non-empty body of a type nobody parses is still 415', async () => {
    const response = await app.inject({ method: 'POST', url: '/bookings/b1/accept', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ success: false, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
  });
});
