/**
 * A whole ride as the apps would play it, through `@rideline/client` only (typed HTTP calls and
 * the socket clients), with the three services as separate processes: the rider's client sees
 * each status of a booking exactly once, and rides out a restart of the gateway by itself,
 * seeing the status published while it was down once. The raw protocol (what the gateway
 * re-sends on connect, close codes) is checked by the other e2e files; this one checks what
 * an app built on the client kit gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  availableBookingsSocket,
  driverBookingsSocket,
  riderSocket,
  type AvailableBookingsMessage,
  type DriverBookingsMessage,
  type RiderMessage,
  type SocketClient,
  type SocketClientOptions,
  type SocketState,
  type SocketWarning,
  type WebSocketConstructor,
} from '@rideline/client';
import type { ServerMessage } from '@rideline/contracts';
import { expectOk, registerDriver, registerUser, type AppAccount } from '../src/client.ts';
import { RunningSystem } from '../src/system.ts';

const PICKUP = { lat: 12.9716, lng: 77.5946, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };
const DRIVER_AT = { lat: 12.975, lng: 77.596 };

let system: RunningSystem;
const controller = new AbortController();

beforeAll(async () => {
  system = await RunningSystem.start();
}, 180_000);

afterAll(async () => {
  controller.abort();
  await system?.stop();
});

/** `ws`'s WebSocket keeping the frames the gateway sent, to tell them from what the client passed on. */
class RecordingWebSocket extends WebSocket {
  static readonly received: string[] = [];

  constructor(address: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(address, protocols, options);
    this.on('message', (data) => RecordingWebSocket.received.push(data.toString()));
  }
}

/** What a client emitted, in order: messages, states and warnings alike. */
type Seen<M> = { kind: 'message'; message: M } | { kind: 'state'; state: SocketState } | { kind: 'warning'; warning: SocketWarning };

function options(account: AppAccount, WebSocketImpl: WebSocketConstructor = WebSocket): SocketClientOptions {
  const { client } = account;
  return {
    url: system.url('realtime-gateway'),
    WebSocket: WebSocketImpl, // Node 20 has no global one
    auth: 'header',
    getToken: () => client.getToken(),
    refreshToken: async () => {
      const refreshed = await client.refresh();
      return refreshed.ok ? refreshed.data.accessToken : null;
    },
    // Short back-off, so that the reconnection follows the gateway's restart within a couple of
    // seconds rather than after the default's up to 30 s.
    backoff: { baseMs: 200, capMs: 2_000 },
    signal: controller.signal,
  };
}

/** Records everything a socket client emits. */
function record<M extends ServerMessage>(client: SocketClient<M>, types: readonly M['type'][]): Seen<M>[] {
  const seen: Seen<M>[] = [];
  // An event named by one of M's types carries that message (SocketEvents), which TypeScript
  // cannot narrow for a generic M.
  for (const type of types) client.on(type, (message) => seen.push({ kind: 'message', message: message as M }));
  client.on('state', (state) => seen.push({ kind: 'state', state }));
  client.on('warning', (warning) => seen.push({ kind: 'warning', warning }));
  return seen;
}

const messages = <M>(seen: readonly Seen<M>[]): M[] => seen.flatMap((entry) => (entry.kind === 'message' ? [entry.message] : []));
const states = <M>(seen: readonly Seen<M>[]): SocketState['state'][] => seen.flatMap((entry) => (entry.kind === 'state' ? [entry.state.state] : []));
const warnings = <M>(seen: readonly Seen<M>[]): SocketWarning[] => seen.flatMap((entry) => (entry.kind === 'warning' ? [entry.warning] : []));

/** The statuses of one booking, in the order the client passed them on. */
const statusesOf = (seen: readonly Seen<RiderMessage | DriverBookingsMessage>[], bookingId: string): string[] =>
  messages(seen).flatMap((message) => (message.type === 'booking_status' && message.booking_id === bookingId ? [message.status] : []));

const otpsOf = (seen: readonly Seen<RiderMessage>[], bookingId: string): string[] =>
  messages(seen).flatMap((message) => (message.type === 'otp' && message.booking_id === bookingId ? [message.otp] : []));

async function waitUntil<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a ride through the client kit', () => {
  it('each status reaches the rider once, also across a restart of the gateway', { timeout: 180_000 }, async () => {
    const urls = { booking: system.url('booking-service'), dispatch: system.url('dispatch-service') };
    const rider = await registerUser(urls);
    const driver = await registerDriver(urls);

    const riderClient = riderSocket(options(rider, RecordingWebSocket));
    const riderSeen = record<RiderMessage>(riderClient, ['booking_status', 'otp', 'error']);
    const offersClient = availableBookingsSocket(options(driver));
    const offersSeen = record<AvailableBookingsMessage>(offersClient, ['available_booking', 'booking_unavailable', 'error']);
    const ridesClient = driverBookingsSocket(options(driver));
    const ridesSeen = record<DriverBookingsMessage>(ridesClient, ['booking_status', 'error']);
    const clients = [riderClient, offersClient, ridesClient];
    await waitUntil('every socket open', () => clients.every((client) => client.state === 'open'));

    expectOk(await driver.client.drivers.setLocation(DRIVER_AT));
    expectOk(await driver.client.drivers.setAvailability(true));

    /** Books, waits for the offer, accepts and answers the OTP the rider's client got. */
    const bookAndAccept = async (): Promise<{ id: string; otp: string }> => {
      const id = expectOk(await rider.client.bookings.create({ pickup: PICKUP, dropoff: DROPOFF })).booking_id;
      await waitUntil(`the offer of ${id}`, () => messages(offersSeen).some((m) => m.type === 'available_booking' && m.booking_id === id));
      expectOk(await driver.client.bookings.accept(id));
      await waitUntil(`accepted on the rider's client (${id})`, () => statusesOf(riderSeen, id).includes('accepted'));
      const otp = await waitUntil(`the OTP of ${id}`, () => otpsOf(riderSeen, id)[0]);
      return { id, otp };
    };

    // The first ride, every socket connected throughout.
    const first = await bookAndAccept();
    expectOk(await driver.client.bookings.start(first.id, first.otp));
    await waitUntil('on_trip on the rider', () => statusesOf(riderSeen, first.id).includes('on_trip'));
    expectOk(await driver.client.bookings.complete(first.id));
    await waitUntil('completed on the rider', () => statusesOf(riderSeen, first.id).includes('completed'));
    await waitUntil('completed on the driver', () => statusesOf(ridesSeen, first.id).includes('completed'));

    // The second: the gateway goes down after the acceptance, the trip starts meanwhile.
    const second = await bookAndAccept();
    const opensBefore = states(riderSeen).filter((state) => state === 'open').length;
    await system.kill('realtime-gateway');
    await waitUntil("the rider's client to notice", () => riderClient.state !== 'open');
    expectOk(await driver.client.bookings.start(second.id, second.otp));
    await system.startService('realtime-gateway');
    // Nothing but the client itself reconnects.
    await waitUntil('on_trip on the reconnected rider', () => statusesOf(riderSeen, second.id).includes('on_trip'), 30_000);
    expect(states(riderSeen).filter((state) => state === 'open').length).toBe(opensBefore + 1);
    await waitUntil("the driver's clients open again", () => clients.every((client) => client.state === 'open'), 30_000);
    expectOk(await driver.client.bookings.complete(second.id));
    await waitUntil('the second completed on the rider', () => statusesOf(riderSeen, second.id).includes('completed'));
    await waitUntil('the second completed on the driver', () => statusesOf(ridesSeen, second.id).includes('completed'));
    // Time for a duplicate to arrive, if the client let one through.
    await sleep(1_000);

    // Exactly once each, in order, though the gateway re-sent what it knows (the first ride's
    // completion among it) on the reconnection.
    const rawStatuses = RecordingWebSocket.received.map((text) => JSON.parse(text) as { type: string; booking_id?: string; status?: string });
    const rawCompletedFirst = rawStatuses.filter((m) => m.type === 'booking_status' && m.booking_id === first.id && m.status === 'completed');
    expect(rawCompletedFirst.length, 'the gateway re-sent the first ride on reconnecting').toBeGreaterThan(1);
    expect(statusesOf(riderSeen, first.id)).toEqual(['pending', 'accepted', 'on_trip', 'completed']);
    expect(statusesOf(riderSeen, second.id)).toEqual(['pending', 'accepted', 'on_trip', 'completed']);
    expect(otpsOf(riderSeen, first.id)).toEqual([first.otp]);
    expect(otpsOf(riderSeen, second.id)).toEqual([second.otp]);
    expect(statusesOf(ridesSeen, first.id)).toEqual(['accepted', 'on_trip', 'completed']);
    expect(statusesOf(ridesSeen, second.id)).toEqual(['accepted', 'on_trip', 'completed']);
    for (const id of [first.id, second.id]) {
      expect(messages(offersSeen).filter((m) => m.type === 'available_booking' && m.booking_id === id)).toHaveLength(1);
    }
    const everything: (readonly Seen<ServerMessage>[])[] = [riderSeen, offersSeen, ridesSeen];
    for (const seen of everything) {
      expect(messages(seen).filter((m) => m.type === 'error')).toEqual([]);
      expect(warnings(seen)).toEqual([]);
    }
    // The rider's client went through a drop and a reconnection, never stopping.
    expect(states(riderSeen)).not.toContain('stopped');
    expect(states(riderSeen)).toContain('closed');

    controller.abort();
    const stopped = await Promise.all(clients.map((client) => client.stopped));
    expect(stopped.map((s) => s.reason)).toEqual(['aborted', 'aborted', 'aborted']);
  });
});
