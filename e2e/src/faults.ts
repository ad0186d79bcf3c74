/**
 * Helpers for the fault tests: rides driven through the public API and sockets, the booking
 * topic read back with kafkajs, and the checks every fault test ends with (no booking event
 * lost, none applied twice, sockets saw every update, every service ready again).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { about, http, Inbox, registerDriver, registerUser, type Account } from './client.ts';
import type { RunningSystem, ServiceName } from './system.ts';

const SERVICES: readonly ServiceName[] = ['booking-service', 'dispatch-service', 'realtime-gateway'];

export const CENTER = { lat: 12.9716, lng: 77.5946 };
const PICKUP = { ...CENTER, address: '123 Street, City' };
export const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the booking topic must hold for a booking in a given final status (no cancellations are played). */
export const EVENTS_FOR_STATUS: Record<string, readonly string[]> = {
  pending: ['BookingRequested'],
  accepted: ['BookingRequested', 'BookingAccepted'],
  on_trip: ['BookingRequested', 'BookingAccepted', 'TripStarted'],
  completed: ['BookingRequested', 'BookingAccepted', 'TripStarted', 'TripCompleted'],
  expired: ['BookingRequested', 'BookingExpired'],
};

/** The statuses a socket that stayed connected must see for a booking, in order, once each. */
export const RIDER_STATUSES: Record<string, readonly string[]> = {
  pending: ['pending'],
  accepted: ['pending', 'accepted'],
  on_trip: ['pending', 'accepted', 'on_trip'],
  completed: ['pending', 'accepted', 'on_trip', 'completed'],
};
export const DRIVER_STATUSES: Record<string, readonly string[]> = {
  accepted: ['accepted'],
  on_trip: ['accepted', 'on_trip'],
  completed: ['accepted', 'on_trip', 'completed'],
};

export { about };

/** The booking_status values an inbox got for one booking, in arrival order. */
export const statusesOf = (inbox: Inbox, bookingId: string): string[] => inbox.messages.filter(about(bookingId, 'booking_status')).map((m) => m.status);

export const isOpen = (inbox: Inbox): boolean => inbox.socket.readyState === inbox.socket.OPEN;

export interface Driver extends Account {
  offers: Inbox;
  rides: Inbox;
}
export interface Rider extends Account {
  inbox: Inbox;
}

/** Accounts, sockets and commands against one RunningSystem. */
export class Actors {
  readonly inboxes: Inbox[] = [];

  constructor(readonly system: RunningSystem) {}

  get booking(): string {
    return this.system.url('booking-service');
  }
  get dispatch(): string {
    return this.system.url('dispatch-service');
  }
  get gateway(): string {
    return this.system.url('realtime-gateway');
  }

  async open(path: string, token: string): Promise<Inbox> {
    const inbox = await Inbox.open(this.gateway, path, token);
    this.inboxes.push(inbox);
    return inbox;
  }

  async driverAt(position: { lat: number; lng: number }): Promise<Driver> {
    const account = await registerDriver(this);
    const offers = await this.open('/ws/driver/available_bookings/', account.token);
    const rides = await this.open('/ws/driver/bookings/', account.token);
    await this.placeDriver(account, position);
    return { ...account, offers, rides };
  }

  async placeDriver(account: Account, position: { lat: number; lng: number }): Promise<void> {
    const available = await http(`${this.dispatch}/drivers/me/availability`, 'PUT', { available: true }, account.token);
    if (available.status !== 204) throw new Error(`availability: ${available.status} ${JSON.stringify(available.body)}`);
    const located = await http(`${this.dispatch}/drivers/me/location`, 'PUT', position, account.token);
    if (located.status !== 204) throw new Error(`location: ${located.status} ${JSON.stringify(located.body)}`);
  }

  async rider(): Promise<Rider> {
    const account = await registerUser(this);
    return { ...account, inbox: await this.open('/ws/bookings/', account.token) };
  }

  async book(rider: Account): Promise<string> {
    const response = await http(`${this.booking}/bookings`, 'POST', { pickup: PICKUP, dropoff: DROPOFF }, rider.token);
    if (response.status !== 201) throw new Error(`POST /bookings: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body['booking_id'] as string;
  }

  act(who: Account, bookingId: string, action: string, body?: unknown) {
    return http(`${this.booking}/bookings/${bookingId}/${action}`, 'POST', body, who.token);
  }

  async mustAct(who: Account, bookingId: string, action: string, body?: unknown): Promise<void> {
    const response = await this.act(who, bookingId, action, body);
    if (response.status !== 200) throw new Error(`${action} ${bookingId}: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async statusOf(who: Account, bookingId: string): Promise<string> {
    const response = await http(`${this.booking}/bookings/${bookingId}`, 'GET', undefined, who.token);
    if (response.status !== 200) throw new Error(`GET /bookings/${bookingId}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body['status'] as string;
  }

  closeAll(): void {
    for (const inbox of this.inboxes) inbox.close();
  }
}

/** Polls every service's /health/ready until all answer 200; returns how long it took. */
export async function waitAllReady(system: RunningSystem, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const pending = new Set(SERVICES);
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const ok = await fetch(`${system.url(name)}/health/ready`, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) pending.delete(name);
    }
    if (pending.size === 0) break;
    if (Date.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms: ${[...pending].join(', ')}`);
    await sleep(200);
  }
  return Date.now() - started;
}

/** Exit state of every process the system started: none may have exited unless the test killed it. */
export function exitedProcesses(system: RunningSystem): ServiceName[] {
  return [...system.processes.entries()].filter(([, process]) => process.child.exitCode !== null || process.child.signalCode !== null).map(([name]) => name);
}

export interface TopicRecord {
  readonly key: string;
  readonly eventId: string;
  readonly type: string;
  readonly partition: number;
  readonly offset: string;
}

/** Reads the whole booking topic from the beginning, with a consumer group of its own. */
export async function readBookingEvents(
  brokers: string,
  topic: string,
  done: (records: readonly TopicRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<TopicRecord[]> {
  const kafka = new Kafka({ clientId: `e2e-faults-${randomUUID().slice(0, 8)}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `e2e-faults-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = JSON.parse(message.value?.toString('utf8') ?? '{}') as { event_id?: string; type?: string };
        records.push({
          key: message.key?.toString('utf8') ?? '',
          eventId: value.event_id ?? '',
          type: value.type ?? '',
          partition,
          offset: message.offset,
        });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!done(records)) {
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    // A moment more, so that a duplicate just behind the last expected record is seen too.
    await sleep(1_000);
    return [...records];
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

export interface EventCheck {
  /** Per booking: event types expected but missing from the topic. */
  readonly lost: Record<string, string[]>;
  /** Per booking: event types present under more than one event_id (applied twice). */
  readonly twice: Record<string, string[]>;
  /** Per booking: event types on the topic the booking's final status does not account for. */
  readonly unexpected: Record<string, string[]>;
  /** How many records were redelivered copies (same event_id), which is allowed. */
  readonly redelivered: number;
}

/**
 * Compares the topic with what each booking's final status (from GET, the read model written
 * with the events in one statement) says must have happened: each expected event type exactly
 * once by event_id; copies of a record with the same event_id are at-least-once redelivery.
 */
export function checkEvents(records: readonly TopicRecord[], expected: ReadonlyMap<string, readonly string[]>): EventCheck {
  const lost: Record<string, string[]> = {};
  const twice: Record<string, string[]> = {};
  const unexpected: Record<string, string[]> = {};
  let redelivered = 0;
  const seen = new Set<string>();
  const idsByBookingType = new Map<string, Set<string>>();
  for (const record of records) {
    if (seen.has(record.eventId)) redelivered++;
    seen.add(record.eventId);
    const key = `${record.key}\u0000${record.type}`;
    const ids = idsByBookingType.get(key) ?? new Set<string>();
    ids.add(record.eventId);
    idsByBookingType.set(key, ids);
  }
  for (const [bookingId, types] of expected) {
    for (const type of types) {
      const count = idsByBookingType.get(`${bookingId}\u0000${type}`)?.size ?? 0;
      if (count === 0) (lost[bookingId] ??= []).push(type);
      if (count > 1) (twice[bookingId] ??= []).push(`${type} x${count}`);
    }
  }
  for (const record of records) {
    const types = expected.get(record.key);
    if (types === undefined || !types.includes(record.type)) {
      const list = (unexpected[record.key] ??= []);
      if (!list.includes(record.type)) list.push(record.type);
    }
  }
  return { lost, twice, unexpected, redelivered };
}

export const hasAllExpected = (expected: ReadonlyMap<string, readonly string[]>) => (records: readonly TopicRecord[]) => {
  const present = new Set(records.map((r) => `${r.key}\u0000${r.type}`));
  return [...expected].every(([id, types]) => types.every((type) => present.has(`${id}\u0000${type}`)));
};
