import { beforeEach, describe, expect, it } from 'vitest';
import {
  driverBookingsSocket,
  riderSocket,
  type DriverBookingsMessage,
  type SocketClient,
  type SocketClientOptions,
  type SocketState,
  type SocketWarning,
} from '../src/socket/index.ts';
import { ManualClock, settle } from './support/manual-clock.ts';
import { ScriptedWebSocket } from './support/scripted-web-socket.ts';
import { unsignedToken } from './support/unsigned-token.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const pending = { type: 'booking_status', booking_id: A, status: 'pending', message: 'Your booking is pending.' };
const accepted = { ...pending, status: 'accepted', message: 'Accepted.' };

let clock: ManualClock;
const tokenFor = (lifetimeMs: number, id = 'u1') => unsignedToken({ sub: id, kind: 'user', exp: Math.floor((clock.now() + lifetimeMs) / 1000) });

function start(options: Partial<SocketClientOptions> = {}, factory: typeof riderSocket | typeof driverBookingsSocket = riderSocket) {
  // Both endpoints send booking_status; subscribing through the narrower type keeps one helper.
  const client = factory({
    url: 'http://gateway.test/',
    getToken: () => tokenFor(600_000),
    WebSocket: ScriptedWebSocket,
    clock,
    random: () => 0.5,
    backoff: { baseMs: 1_000, capMs: 8_000 },
    ...options,
  }) as unknown as SocketClient<DriverBookingsMessage>;
  const states: SocketState[] = [];
  const warnings: SocketWarning[] = [];
  const messages: unknown[] = [];
  client.on('state', (s) => states.push(s));
  client.on('warning', (w) => warnings.push(w));
  client.on('booking_status', (m) => messages.push(m));
  return { client, states, warnings, messages };
}

beforeEach(() => {
  clock = new ManualClock();
  ScriptedWebSocket.reset();
});

describe('connecting', () => {
  it('the bearer subprotocol by default, on the endpoint path of the ws URL', async () => {
    const token = tokenFor(600_000);
    start({ getToken: () => token });
    await settle();
    expect(ScriptedWebSocket.last().url).toBe('ws://gateway.test/ws/bookings/');
    expect(ScriptedWebSocket.last().protocols).toEqual(['bearer', token]);
    expect(ScriptedWebSocket.last().init).toBeUndefined();
  });

  it('the Authorization header when asked', async () => {
    const token = tokenFor(600_000);
    start({ getToken: () => token, auth: 'header' }, driverBookingsSocket);
    await settle();
    expect(ScriptedWebSocket.last().url).toBe('ws://gateway.test/ws/driver/bookings/');
    expect(ScriptedWebSocket.last().protocols).toBeUndefined();
    expect(ScriptedWebSocket.last().init).toEqual({ headers: { authorization: `Bearer ${token}` } });
  });

  it('an expired token is renewed before connecting; no token at all stops', async () => {
    const fresh = tokenFor(600_000, 'fresh');
    start({ getToken: () => tokenFor(-1_000), refreshToken: () => fresh });
    await settle();
    expect(ScriptedWebSocket.last().protocols).toEqual(['bearer', fresh]);

    const { client } = start({ getToken: () => null });
    await expect(client.stopped).resolves.toEqual({ reason: 'unauthorized', code: null });
  });

  it('a token source that throws is reported and retried after the back-off', async () => {
    let calls = 0;
    const { warnings } = start({
      getToken: () => {
        if (++calls === 1) throw new Error('offline');
        return tokenFor(600_000);
      },
    });
    await settle();
    expect(warnings).toEqual([{ kind: 'token_error', error: new Error('offline') }]);
    expect(ScriptedWebSocket.instances).toHaveLength(0);
    await clock.advance(500);
    expect(ScriptedWebSocket.instances).toHaveLength(1);
  });
});

describe('reconnecting', () => {
  it('backs off exponentially with jitter, and resets once a connection stays up', async () => {
    const { states } = start({ stableAfterMs: 10_000 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await settle();
      ScriptedWebSocket.last().drop(1006);
      delays.push(clock.pending()[0]!);
      await clock.advance(delays.at(-1)!);
    }
    // random 0.5 of a ceiling 1 s, 2 s, 4 s, 8 s (cap), 8 s.
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    ScriptedWebSocket.last().open();
    await clock.advance(9_999);
    ScriptedWebSocket.last().drop(1001);
    expect(clock.pending()).toEqual([4_000]); // not up long enough: no reset
    await clock.advance(4_000);
    ScriptedWebSocket.last().open();
    await clock.advance(10_000);
    ScriptedWebSocket.last().drop(4008);
    expect(clock.pending()).toEqual([500]);
    expect(states.filter((s) => s.state === 'closed').map((s) => s.state === 'closed' && [s.code, s.action])).toEqual([
      [1006, 'reconnect'],
      [1006, 'reconnect'],
      [1006, 'reconnect'],
      [1006, 'reconnect'],
      [1006, 'reconnect'],
      [1001, 'reconnect'],
      [4008, 'reconnect'],
    ]);
  });

  it.each([
    [4029, 'replaced'],
    [1008, 'rate_limited'],
    [1009, 'frame_too_large'],
  ] as const)('close %i stops (%s) and never reconnects', async (code, reason) => {
    const { client, states } = start();
    await settle();
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().drop(code);
    await expect(client.stopped).resolves.toEqual({ reason, code });
    await clock.advance(3_600_000);
    expect(ScriptedWebSocket.instances).toHaveLength(1);
    expect(states.at(-1)).toEqual({ state: 'stopped', reason, code });
  });

  it('4001: reconnects with a fresh token; stops when the app has none (or returns the same one)', async () => {
    const first = tokenFor(600_000, 'first');
    const second = tokenFor(600_000, 'second');
    const supply = [second, second];
    const { client } = start({ getToken: () => first, refreshToken: () => supply.shift() ?? null });
    await settle();
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().drop(4001);
    await clock.advance(500);
    expect(ScriptedWebSocket.last().protocols).toEqual(['bearer', second]);
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().drop(4001); // the app hands the same token again: not fresh
    await expect(client.stopped).resolves.toEqual({ reason: 'unauthorized', code: 4001 });
    expect(ScriptedWebSocket.instances).toHaveLength(2);
  });

  it('the AbortSignal stops it and closes the socket with 1000', async () => {
    const controller = new AbortController();
    const { client, states } = start({ signal: controller.signal });
    await settle();
    ScriptedWebSocket.last().open();
    controller.abort();
    await expect(client.stopped).resolves.toEqual({ reason: 'aborted', code: null });
    expect(ScriptedWebSocket.last().closedByClient).toBe(1000);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'open', 'stopped']);
  });
});

describe('refreshing ahead of expiry', () => {
  it('asks for a new token refreshAheadMs before exp and sends it in band', async () => {
    const first = tokenFor(120_000, 'first');
    const second = tokenFor(300_000, 'second');
    let asked = 0;
    start({
      getToken: () => first,
      refreshToken: () => {
        asked++;
        return second;
      },
      refreshAheadMs: 30_000,
    });
    await settle();
    ScriptedWebSocket.last().open();
    await clock.advance(89_000);
    expect(asked).toBe(0);
    await clock.advance(1_000);
    expect(asked).toBe(1);
    expect(ScriptedWebSocket.last().sent).toEqual([JSON.stringify({ type: 'refresh', token: second })]);
    // The next refresh is planned from the new token's exp.
    expect(clock.pending().at(-1)).toBe(300_000 - 90_000 - 30_000);
  });

  it('a refresh that fails is retried; no fresh token leaves the 4001 at exp to the close policy', async () => {
    let calls = 0;
    const { warnings } = start({
      getToken: () => tokenFor(60_000),
      refreshToken: () => {
        calls++;
        if (calls === 1) throw new Error('offline');
        return null;
      },
      refreshAheadMs: 10_000,
    });
    await settle();
    ScriptedWebSocket.last().open();
    await clock.advance(50_000);
    expect(warnings).toHaveLength(1);
    // Retried halfway through the 10 s left.
    await clock.advance(4_999);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    expect(ScriptedWebSocket.last().sent).toEqual([]);
  });
});

describe('messages', () => {
  it('outside the contract or not of this endpoint: reported as warnings, never emitted', async () => {
    const { warnings, messages } = start({}, driverBookingsSocket);
    await settle();
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().message('not json');
    ScriptedWebSocket.last().message({ type: 'booking_status', booking_id: A, status: 'teleported', message: 'x' });
    ScriptedWebSocket.last().message({ type: 'otp', booking_id: A, otp: '123456', message: 'x' });
    expect(messages).toEqual([]);
    expect(warnings.map((w) => w.kind)).toEqual(['invalid_message', 'invalid_message', 'invalid_message']);
  });

  it('the snapshot after a reconnect is merged: each status reaches the app once', async () => {
    const { messages } = start();
    await settle();
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().message(pending);
    ScriptedWebSocket.last().drop(1006);
    await clock.advance(500);
    ScriptedWebSocket.last().open();
    ScriptedWebSocket.last().message(pending); // the snapshot of a booking still pending
    ScriptedWebSocket.last().message(accepted);
    expect(messages).toEqual([pending, accepted]);
  });
});
