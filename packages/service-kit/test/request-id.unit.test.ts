import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, resolveLogFormat, type ServiceApp } from '../src/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let app: ServiceApp;
let lines: Record<string, unknown>[];

async function build() {
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  ({ app } = await createServiceApp({ service: 'test', logger: pino({ level: 'info' }, sink), readiness: {} }));
  app.get('/thing', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  return app;
}

afterEach(() => app.close());

describe('x-request-id', () => {
  it('is generated when absent, returned, and carried by the request log lines', async () => {
    await build();
    const first = await app.inject('/thing');
    const second = await app.inject('/thing');
    const id = first.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(id);
    const logged = lines.filter((line) => line['reqId'] === id).map((line) => line['msg']);
    expect(logged).toEqual(['incoming request', 'request completed']);
  });

  it("keeps the caller's well-formed id, on errors and unknown routes too", async () => {
    await build();
    for (const [url, status] of [
      ['/thing', 200],
      ['/boom', 500],
      ['/nowhere', 404],
    ] as const) {
      const response = await app.inject({ url, headers: { 'x-request-id': 'trip-42:abc_DEF.1' } });
      expect(response.statusCode).toBe(status);
      expect(response.headers['x-request-id']).toBe('trip-42:abc_DEF.1');
    }
    expect(lines.some((line) => line['reqId'] === 'trip-42:abc_DEF.1' && line['level'] === 50)).toBe(true);
  });

  it('replaces a malformed or overlong id instead of echoing it', async () => {
    await build();
    for (const given of ['a b', 'x'.repeat(129), '<script>', 'é', '']) {
      const response = await app.inject({ url: '/health/live', headers: { 'x-request-id': given } });
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
  });
});

describe('log format', () => {
  it('is pretty only for a terminal when auto, and as set otherwise', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});
