import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Principal } from '@rideline/auth';
import { describe, expect, it } from 'vitest';
import { startTestGateway, until, untilReady } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { startTestIssuer } from './support/jwks-server.ts';
import { connect, refusal } from './support/ws-client.ts';
import { newId } from './support/events.ts';

const h = useGatewayHarness('auth');
const USER: Principal = { kind: 'user', id: newId() };
const DRIVER: Principal = { kind: 'driver', id: newId() };
const UNAUTHORIZED = { success: false, message: 'Invalid or expired token.' };
const MALFORMED = { success: false, message: 'Malformed WebSocket request.' };
const PATHS = { user: '/ws/bookings/', driver: '/ws/driver/bookings/', available: '/ws/driver/available_bookings/' };

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function tokenParts(token: string) {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signature,
  };
}

/** A raw HTTP request to the gateway, for handshakes a WebSocket client would never send. */
function raw(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${h.gateway.httpBase}${path}`, { method, headers });
    const onResponse = (response: import('node:http').IncomingMessage) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }));
    };
    request.on('response', onResponse);
    request.on('upgrade', () => reject(new Error('upgraded')));
    request.on('error', reject);
    request.end();
  });
}

describe('upgrade authentication', () => {
  it('opens each endpoint with a token of its kind, from the header or the bearer subprotocol', async () => {
    const viaHeader = await connect(`${h.gateway.wsBase}${PATHS.user}`, { token: h.issuer.token(USER) });
    expect(viaHeader.ws.protocol).toBe('');
    const viaProtocol = await connect(`${h.gateway.wsBase}${PATHS.user}`, { token: h.issuer.token(USER), via: 'subprotocol' });
    expect(viaProtocol.ws.protocol).toBe('bearer');
    const driver = await connect(`${h.gateway.wsBase}${PATHS.driver}`, { token: h.issuer.token(DRIVER) });
    const available = await connect(`${h.gateway.wsBase}${PATHS.available}`, { token: h.issuer.token(DRIVER), via: 'subprotocol' });
    for (const socket of [viaHeader, viaProtocol, driver, available]) socket.close();
  });

  describe('answers 401 with the spec body before upgrading when the token is', () => {
    const valid = () => h.issuer.token(USER);
    it.each([
      ['missing', () => undefined],
      ['not a JWT', () => 'not-a-token'],
      ['malformed base64', () => 'e30.e30.%%%'],
      [
        'tampered (payload changed)',
        () => {
          const { header, payload, signature } = tokenParts(valid());
          return `${b64url(header)}.${b64url({ ...payload, sub: newId() })}.${signature}`;
        },
      ],
      ['tampered (signature changed)', () => `${valid().slice(0, -6)}AAAAAA`],
      ['expired', () => h.issuer.token(USER, 60, Date.now() - 120_000)],
      [
        'alg none',
        () => {
          const { header, payload } = tokenParts(valid());
          return `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.`;
        },
      ],
      [
        'HS256 keyed with the public key (key confusion)',
        () => {
          const { header, payload } = tokenParts(valid());
          const input = `${b64url({ ...header, alg: 'HS256' })}.${b64url(payload)}`;
          return `${input}.${createHmac('sha256', JSON.stringify(h.issuer.key.publicJwk)).update(input).digest('base64url')}`;
        },
      ],
    ])('%s', async (_case, token) => {
      for (const via of ['header', 'subprotocol'] as const) {
        const value = token();
        const answer = await refusal(`${h.gateway.wsBase}${PATHS.user}`, value === undefined ? {} : { token: value, via });
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject(UNAUTHORIZED);
      }
    });

    it('of the wrong kind for the endpoint (user token on driver endpoints and the reverse)', async () => {
      for (const [path, principal] of [
        [PATHS.driver, USER],
        [PATHS.available, USER],
        [PATHS.user, DRIVER],
      ] as const) {
        const answer = await refusal(`${h.gateway.wsBase}${path}`, { token: h.issuer.token(principal) });
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject(UNAUTHORIZED);
      }
    });

    it('not a Bearer credential, or a bearer subprotocol without a token', async () => {
      expect(await refusal(`${h.gateway.wsBase}${PATHS.user}`, { headers: { authorization: `Basic ${h.issuer.token(USER)}` } })).toMatchObject({
        status: 401,
        body: UNAUTHORIZED,
      });
      expect(await refusal(`${h.gateway.wsBase}${PATHS.user}`, { protocols: ['bearer'] })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    });
  });

  describe('answers 400 with the spec body for a request that is not a proper upgrade', () => {
    const handshake = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    it.each([
      ['a plain GET', {}],
      ['a bad Sec-WebSocket-Key', { ...handshake, 'sec-websocket-key': 'short' }],
      ['an unsupported Sec-WebSocket-Version', { ...handshake, 'sec-websocket-version': '8' }],
      ['an Upgrade to another protocol', { ...handshake, upgrade: 'h2c' }],
    ])('%s', async (_case, headers) => {
      const answer = await raw(PATHS.user, { ...headers, authorization: `Bearer ${h.issuer.token(USER)}` });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject(MALFORMED);
    });

    it('a token both in the header and in the subprotocol', async () => {
      const answer = await refusal(`${h.gateway.wsBase}${PATHS.user}`, {
        headers: { authorization: `Bearer ${h.issuer.token(USER)}` },
        protocols: ['bearer', h.issuer.token(USER)],
      });
      expect(answer).toMatchObject({ status: 400, body: MALFORMED });
    });
  });

  it('answers 404 with the API error body on a path that is not an endpoint', async () => {
    const answer = await refusal(`${h.gateway.wsBase}/ws/driver/`, { token: h.issuer.token(DRIVER) });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });

  it('counts rejected upgrades by reason', async () => {
    const text = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
    for (const reason of ['missing_token', 'invalid_token', 'expired_token', 'wrong_kind', 'malformed_request']) {
      expect(text).toMatch(new RegExp(`rideline_gateway_rejected_upgrades_total\\{reason="${reason}"[^}]*\\} [1-9]`));
    }
  });
});

describe('start-up before booking-service', () => {
  it('starts without the keys, reports auth down and answers 503 until they load', async () => {
    const late = await startTestIssuer({ available: false });
    const early = await startTestGateway(h.topics, late.url);
    try {
      await until(() => early.feed.caughtUp, 15_000);
      const ready = await fetch(`${early.httpBase}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { auth: 'down', kafka: 'up', projection: 'up' } });
      const answer = await refusal(`${early.wsBase}${PATHS.user}`, { token: late.token(USER) });
      expect(answer.status).toBe(503);

      late.setAvailable(true);
      await untilReady(early);
      const socket = await connect(`${early.wsBase}${PATHS.user}`, { token: late.token(USER) });
      socket.close();
    } finally {
      await early.close();
      await late.close();
    }
  });
});
