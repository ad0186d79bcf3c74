/**
 * Fuzzed inputs against the running system: thousands of malformed HTTP bodies on every POST and
 * PUT route of booking-service and dispatch-service (with and without valid tokens), and
 * thousands of malformed WebSocket frames on each gateway endpoint. Zero 5xx, every 4xx with
 * API.md's error body, sockets answered and kept open, and all three processes alive and ready
 * at the end. Inputs come from a seeded PRNG: rerun a failure with `FUZZ_SEED=<seed>`.
 */
import { randomUUID } from 'node:crypto';
import { decodeServerMessage, type ServerMessage } from '@rideline/contracts';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, registerDriver, registerUser, type Account } from '../src/client.ts';
import { fuzzSeed, LONE_SURROGATE_FRAMES, loneSurrogateBodies, Prng, randomBody, randomFrame, type RawBody } from '../src/fuzz.ts';
import { RunningSystem, type ServiceName } from '../src/system.ts';

const SEED = fuzzSeed();
const HTTP_REQUESTS = Number(process.env['FUZZ_HTTP_COUNT'] ?? 3_000);
const FRAMES_PER_ENDPOINT = Number(process.env['FUZZ_WS_FRAMES'] ?? 1_000);
const MAX_FRAME_BYTES = 4_096; // the gateway's default WS_MAX_FRAME_BYTES

let system: RunningSystem;
let rider: Account;
let driver: Account;
let bookingId: string;

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
  // Thousands of frames a second from one socket: raise the inbound budget so the fuzz measures
  // parsing, not the rate limiter (which closes with 1008 by design).
  system = await RunningSystem.start({ WS_INBOUND_RATE_PER_SECOND: '1000000', WS_INBOUND_BURST: '1000000' });
  const urls = { booking: system.url('booking-service'), dispatch: system.url('dispatch-service') };
  rider = await registerUser(urls);
  driver = await registerDriver(urls);
  const created = await http(
    `${system.url('booking-service')}/bookings`,
    'POST',
    { pickup: { lat: 12.97, lng: 77.59, address: 'A' }, dropoff: { lat: 12.93, lng: 77.62, address: 'B' } },
    rider.token,
  );
  expect(created.status).toBe(201);
  bookingId = created.body['booking_id'] as string;
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

interface Route {
  readonly service: ServiceName;
  readonly method: 'POST' | 'PUT';
  readonly path: (rng: Prng) => string;
  readonly valid: Record<string, unknown> | null;
  /** Who may call it (the token the field checks are sent with); null: anyone. */
  readonly as: 'rider' | 'driver' | null;
  /** The body may be left out (API.md: no body, or `{reason?}`). */
  readonly bodyOptional?: true;
}

const fixed = (path: string) => () => path;
// Ids up to Fastify's maxParamLength (100); longer ones are probed on their own below (a known bug).
const bookingPath = (action: string) => (rng: Prng) =>
  `/bookings/${encodeURIComponent(rng.pick([bookingId, bookingId, randomUUID(), 'not-a-uuid', '0', '😀', '%00', 'x'.repeat(100), `${bookingId}${bookingId}`]))}/${action}`;
const point = { lat: 12.97, lng: 77.59, address: 'Somewhere' };

const ROUTES: readonly Route[] = [
  {
    service: 'booking-service',
    method: 'POST',
    path: fixed('/auth/users/register'),
    as: null,
    valid: { name: 'Fuzz', email: 'fuzz@example.com', password: 'correct horse battery' },
  },
  {
    service: 'booking-service',
    method: 'POST',
    path: fixed('/auth/users/login'),
    as: null,
    valid: { email: 'fuzz@example.com', password: 'correct horse battery' },
  },
  {
    service: 'booking-service',
    method: 'POST',
    path: fixed('/auth/drivers/register'),
    as: null,
    valid: { name: 'Fuzz', email: 'fuzz-driver@example.com', password: 'correct horse battery', vehicle: { plate: 'KA-01', model: 'Swift' } },
  },
  {
    service: 'booking-service',
    method: 'POST',
    path: fixed('/auth/drivers/login'),
    as: null,
    valid: { email: 'fuzz-driver@example.com', password: 'correct horse battery' },
  },
  {
    service: 'booking-service',
    method: 'POST',
    path: fixed('/auth/operators/login'),
    as: null,
    valid: { email: 'fuzz-operator@example.com', password: 'correct horse battery' },
  },
  { service: 'booking-service', method: 'POST', path: fixed('/auth/refresh'), as: null, valid: { refresh_token: 'x'.repeat(43) } },
  { service: 'booking-service', method: 'POST', path: fixed('/auth/logout'), as: null, valid: { refresh_token: 'x'.repeat(43) } },
  { service: 'booking-service', method: 'POST', path: fixed('/bookings'), as: 'rider', valid: { pickup: point, dropoff: { ...point, lat: 12.93 } } },
  { service: 'booking-service', method: 'POST', path: bookingPath('accept'), as: 'driver', valid: null, bodyOptional: true },
  { service: 'booking-service', method: 'POST', path: bookingPath('start'), as: 'driver', valid: { otp: '123456' } },
  { service: 'booking-service', method: 'POST', path: bookingPath('complete'), as: 'driver', valid: null, bodyOptional: true },
  { service: 'booking-service', method: 'POST', path: bookingPath('cancel'), as: 'rider', valid: { reason: 'because' }, bodyOptional: true },
  { service: 'dispatch-service', method: 'PUT', path: fixed('/drivers/me/location'), as: 'driver', valid: { lat: 12.97, lng: 77.59 } },
  { service: 'dispatch-service', method: 'PUT', path: fixed('/drivers/me/availability'), as: 'driver', valid: { available: true } },
];

/** The services' body limit: service-kit's default (createServiceApp's `bodyLimit`), which none overrides. */
const BODY_LIMIT_BYTES = 64 * 1024;

interface Failure {
  readonly request: string;
  readonly status: number;
  readonly body: string;
  readonly why: string;
}

const describeBody = (body: RawBody) => {
  const text =
    body.body === null
      ? '(none)'
      : Buffer.isBuffer(body.body)
        ? `<${body.body.length} bytes>`
        : body.body.length > 300
          ? `${body.body.slice(0, 300)}… (${body.body.length} chars)`
          : body.body;
  return `[${body.label}] content-type=${String(body.contentType)} body=${text}`;
};

/** Why an answer breaks API.md's error contract, or null if it does not. */
function contractBreach(status: number, text: string): string | null {
  if (status >= 500) return '5xx';
  if (status < 400) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'error answer is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'error answer is not an object';
  const { success, message, code } = body as Record<string, unknown>;
  if (success !== false) return 'error answer without success:false';
  if (typeof message !== 'string' || message.length === 0) return 'error answer without a message';
  if (code !== undefined && typeof code !== 'string') return 'error answer with a non-string code';
  if (/\n\s+at /.test(text)) return 'error answer with a stack trace';
  return null;
}

async function send(service: ServiceName, method: string, path: string, body: RawBody, token: string | null): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (body.contentType !== null) headers['content-type'] = body.contentType;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${system.url(service)}${path}`, { method, headers, ...(body.body === null ? {} : { body: body.body }) });
  return { status: response.status, text: await response.text() };
}

const tokenOf = (route: Route) => (route.as === 'rider' ? rider.token : route.as === 'driver' ? driver.token : null);
/** The route's path with the fuzz booking's real id (the field checks come before any state check). */
const realPath = (route: Route) => route.path(new Prng(0)).replace(/\/bookings\/[^/]+\//, `/bookings/${bookingId}/`);

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function assertAllAliveAndReady(): Promise<void> {
  for (const name of ['booking-service', 'dispatch-service', 'realtime-gateway'] as const) {
    const child = system.processes.get(name)!.child;
    expect({ name, exitCode: child.exitCode, signal: child.signalCode }).toEqual({ name, exitCode: null, signal: null });
    const ready = await fetch(`${system.url(name)}/health/ready`);
    expect({ name, status: ready.status }).toEqual({ name, status: 200 });
  }
}

describe(`fuzzed inputs (seed ${SEED})`, () => {
  it('malformed HTTP bodies on every POST and PUT route: no 5xx, API.md error bodies', { timeout: 240_000 }, async () => {
    const rng = new Prng(SEED);
    const tokens: readonly (readonly [string, string | null])[] = [
      ['none', null],
      ['rider', rider.token],
      ['driver', driver.token],
      ['garbage', 'not.a.jwt'],
    ];
    const requests = Array.from({ length: HTTP_REQUESTS }, (_, index) => {
      const route = ROUTES[index % ROUTES.length]!;
      const [tokenName, token] = rng.pick(tokens);
      return { route, path: route.path(rng), tokenName, token, body: randomBody(rng, route.valid) };
    });
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    let resetsPastLimit = 0;
    await pool(requests, 12, async ({ route, path, tokenName, token, body }) => {
      const headers: Record<string, string> = {};
      if (body.contentType !== null) headers['content-type'] = body.contentType;
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      const request = `${route.method} ${route.service}${path.length > 120 ? `${path.slice(0, 120)}…` : path} token=${tokenName} ${describeBody(body)}`;
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${system.url(route.service)}${path}`, {
          method: route.method,
          headers,
          ...(body.body === null ? {} : { body: body.body }),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        // A body past the services' limit is refused (413) before it is read to its end, and the
        // connection closed: a client still sending then sees a reset instead of the answer
        // (RFC 9110 lets a server close after 413). On a slow machine 2 of 3,000 requests met
        // it (800 KB bodies). Any other request without an answer is a failure.
        if (body.body !== null && Buffer.byteLength(body.body) > BODY_LIMIT_BYTES) {
          resetsPastLimit++;
          return;
        }
        failures.push({ request, status: 0, body: '', why: `no answer: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const why = contractBreach(status, text);
      if (why !== null) failures.push({ request, status, body: text.slice(0, 500), why });
    });
    const kinds = new Map<string, number>();
    for (const failure of failures) kinds.set(`${failure.status} ${failure.why}`, (kinds.get(`${failure.status} ${failure.why}`) ?? 0) + 1);
    if (failures.length > 0) console.log(`bad answers by kind (seed ${SEED}):`, Object.fromEntries(kinds));
    console.log(
      `HTTP statuses (seed ${SEED}):`,
      Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      `connections reset past the body limit: ${resetsPastLimit}`,
    );
    expect(failures, `seed ${SEED}: ${failures.length} bad answers, e.g.\n${JSON.stringify(failures.slice(0, 10), null, 2)}`).toEqual([]);
    await assertAllAliveAndReady();
  });

  it('a lone surrogate in every string field of every route: 400 naming the field, never 5xx', { timeout: 60_000 }, async () => {
    const breaches: string[] = [];
    let cases = 0;
    for (const route of ROUTES) {
      const path = realPath(route);
      for (const { field, body } of loneSurrogateBodies(route.valid)) {
        cases++;
        const { status, text } = await send(route.service, route.method, path, body, tokenOf(route));
        const why = contractBreach(status, text);
        const message = status === 400 ? String((JSON.parse(text) as { message?: unknown }).message) : '';
        if (why !== null || status !== 400 || !message.startsWith(`${field} must not hold a lone surrogate`)) {
          breaches.push(`${route.method} ${route.service}${path} ${describeBody(body)}: ${status} ${text.slice(0, 200)}${why ? ` (${why})` : ''}`);
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(4 * 14); // every string field of every route, four surrogates each
    expect(breaches, `${breaches.length} of ${cases}`).toEqual([]);
    await assertAllAliveAndReady();
  });

  it('an empty body sent with a content type is no body: bodyless routes take it, the others say "body must be object"', { timeout: 60_000 }, async () => {
    const breaches: string[] = [];
    for (const route of ROUTES) {
      const path = realPath(route);
      for (const contentType of ['application/json', 'application/json; charset=utf-8', 'text/plain', null]) {
        const body: RawBody = { label: 'empty body', contentType, body: '' };
        const { status, text } = await send(route.service, route.method, path, body, tokenOf(route));
        const why = contractBreach(status, text);
        const wrong = route.bodyOptional
          ? status === 400 || status === 415 // refused for the (missing) body itself
          : status !== 400 || (JSON.parse(text) as { message?: unknown }).message !== 'body must be object';
        if (why !== null || wrong || text.includes('FST_ERR_CTP_EMPTY_JSON_BODY')) {
          breaches.push(
            `${route.method} ${route.service}${path} content-type=${String(contentType)}: ${status} ${text.slice(0, 200)}${why ? ` (${why})` : ''}`,
          );
        }
      }
    }
    expect(breaches).toEqual([]);
  });

  it('malformed WebSocket frames on each endpoint: answered with an error, socket kept open', { timeout: 120_000 }, async () => {
    const rng = new Prng(SEED ^ 0x5eed);
    const wsBase = system.url('realtime-gateway').replace(/^http/, 'ws');
    const endpoints = [
      { path: '/ws/bookings/', token: rider.token },
      { path: '/ws/driver/bookings/', token: driver.token },
      { path: '/ws/driver/available_bookings/', token: driver.token },
    ];
    for (const { path, token } of endpoints) {
      const socket = new WebSocket(`${wsBase}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const replies: ServerMessage[] = [];
      /** Replies that are not JSON or do not match the contract's schemas. */
      const outsideContract: string[] = [];
      let closed: { code: number; reason: string } | null = null;
      socket.on('message', (data) => {
        const message = decodeServerMessage(data.toString());
        if (message === null) outsideContract.push(data.toString().slice(0, 200));
        else replies.push(message);
      });
      socket.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the snapshot (if any) arrive
      const snapshotCount = replies.length;

      const sent: string[] = [];
      let refreshes = 0;
      for (let i = 0; i < FRAMES_PER_ENDPOINT; i++) {
        const frame = randomFrame(rng, MAX_FRAME_BYTES);
        sent.push(frame.label);
        if (frame.label === 'refresh bad token') refreshes++;
        socket.send(frame.data, { binary: frame.binary });
        // Keep the gateway's send buffer to the socket small: pause now and then.
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const deadline = Date.now() + 30_000;
      while (replies.length - snapshotCount < FRAMES_PER_ENDPOINT && closed === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const answers = replies.slice(snapshotCount);
      const context = `seed ${SEED}, ${path}: ${answers.length}/${FRAMES_PER_ENDPOINT} answers, closed=${JSON.stringify(closed)}`;
      expect(closed, context).toBeNull();
      expect(socket.readyState, context).toBe(WebSocket.OPEN);
      expect(outsideContract, context).toEqual([]);
      expect(answers.length, context).toBe(FRAMES_PER_ENDPOINT);
      const malformed = answers.filter((a) => a.type === 'error' && a.message === 'Malformed WebSocket request.');
      const invalidToken = answers.filter((a) => a.type === 'error' && a.message === 'Invalid or expired token.');
      expect(malformed.length + invalidToken.length, context).toBe(FRAMES_PER_ENDPOINT);
      expect(invalidToken.length, context).toBe(refreshes);

      // Every frame holding a lone surrogate is malformed (none is taken for a token to check).
      for (const frame of LONE_SURROGATE_FRAMES) {
        const before = replies.length;
        socket.send(frame);
        const until = Date.now() + 5_000;
        while (replies.length === before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(replies.slice(before), `${context}: ${frame}`).toEqual([{ type: 'error', success: false, message: 'Malformed WebSocket request.' }]);
      }

      // Still a working socket: a well-formed frame after all that is not refused.
      const beforeProbe = replies.length;
      if (path === '/ws/driver/available_bookings/') socket.send(JSON.stringify({ type: 'location', lat: 12.97, lng: 77.59 }));
      socket.send('{');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(replies.slice(beforeProbe), context).toEqual([{ type: 'error', success: false, message: 'Malformed WebSocket request.' }]);
      socket.close(1000);
    }
    await assertAllAliveAndReady();
  });

  // Found by this fuzz: the router answered an overlong path parameter (> maxParamLength) with
  // Fastify's own body, echoing the path. service-kit's frameworkErrors now gives the API.md body.
  it('an overlong booking id in the path gets API.md’s error body', { timeout: 30_000 }, async () => {
    const breaches: string[] = [];
    for (const action of ['accept', 'start', 'complete', 'cancel']) {
      const response = await fetch(`${system.url('booking-service')}/bookings/${'x'.repeat(2_000)}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${driver.token}` },
        body: '{}',
      });
      const text = await response.text();
      const why = contractBreach(response.status, text);
      if (why !== null) breaches.push(`POST /bookings/<2000 x>/${action}: ${response.status} ${text.slice(0, 120)} (${why})`);
    }
    expect(breaches, `seed ${SEED}`).toEqual([]);
  });

  it('upgrades with bad credentials or malformed requests are refused with the API.md body', { timeout: 60_000 }, async () => {
    const rng = new Prng(SEED ^ 0xbad);
    const wsBase = system.url('realtime-gateway').replace(/^http/, 'ws');
    const failures: string[] = [];
    for (let i = 0; i < 150; i++) {
      const path = rng.pick(['/ws/bookings/', '/ws/driver/bookings/', '/ws/driver/available_bookings/']);
      const token = rng.pick([
        'garbage',
        '',
        'a.b.c',
        path === '/ws/bookings/' ? driver.token : rider.token, // wrong kind
        `${rider.token}x`,
        'x'.repeat(8_000),
      ]);
      const status = await new Promise<{ status: number; body: string }>((resolve) => {
        const socket = new WebSocket(`${wsBase}${path}`, { headers: { authorization: `Bearer ${token}` } });
        socket.once('open', () => {
          socket.terminate();
          resolve({ status: 101, body: '' });
        });
        socket.once('unexpected-response', (_request, response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        socket.once('error', (error) => resolve({ status: 0, body: error.message }));
      });
      const why = status.status === 101 ? 'opened with a bad token' : contractBreach(status.status, status.body);
      if (why !== null) failures.push(`${path} token=${token.slice(0, 40)}: ${status.status} ${status.body.slice(0, 200)} (${why})`);
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    await assertAllAliveAndReady();
  });
});
