import { randomUUID } from 'node:crypto';
import { createRidelineClient, type Result, type RidelineClient } from '@rideline/client';
import { decodeServerMessage, type ServerMessage, type ServerMessageOf, type ServerMessageType } from '@rideline/contracts';
import WebSocket from 'ws';

export interface Account {
  readonly id: string;
  /** An access token, for sockets and raw requests. */
  readonly token: string;
}

/** A registered account, with the app's HTTP client (`@rideline/client`) signed in as it. */
export interface AppAccount extends Account {
  readonly client: RidelineClient;
}

/** The HTTP services' base URLs. */
export interface HttpUrls {
  readonly booking: string;
  readonly dispatch: string;
}

/** A message from the gateway, as the contract defines it (`@rideline/contracts`). */
export type Message = ServerMessage;

type BookingMessageType = Exclude<ServerMessageType, 'error'>;

/** The booking a message is about; null for an `error`. */
export const bookingOf = (message: Message): string | null => (message.type === 'error' ? null : message.booking_id);

/** Matches a message of one type about one booking, holding the given fields. */
export const about =
  <T extends BookingMessageType>(bookingId: string, type: T, extra: Partial<ServerMessageOf<T>> = {}) =>
  (message: Message): message is ServerMessageOf<T> =>
    message.type === type &&
    message.booking_id === bookingId &&
    Object.entries(extra).every(([field, value]) => (message as Record<string, unknown>)[field] === value);

/** A raw request, for tests that send what an app's client never would (fuzzing, abuse). */
export async function http(url: string, method: string, body?: unknown, token?: string) {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** The data of a successful call; a failure fails the test with the typed error it carries. */
export function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.data;
}

export async function registerUser(urls: HttpUrls): Promise<AppAccount> {
  const client = createRidelineClient({ bookingUrl: urls.booking, dispatchUrl: urls.dispatch });
  const body = expectOk(await client.auth.registerRider({ name: 'Rider', email: `rider-${randomUUID()}@example.com`, password: 'correct horse battery' }));
  return { id: body.user.id, token: body.access_token, client };
}

export async function registerDriver(urls: HttpUrls): Promise<AppAccount> {
  const client = createRidelineClient({ bookingUrl: urls.booking, dispatchUrl: urls.dispatch });
  const body = expectOk(
    await client.auth.registerDriver({
      name: 'Driver',
      email: `driver-${randomUUID()}@example.com`,
      password: 'correct horse battery',
      vehicle: { plate: 'KA-01-0001', model: 'Swift' },
    }),
  );
  return { id: body.driver.id, token: body.access_token, client };
}

/**
 * A socket that keeps every message it receives, for assertions. Each is read against the
 * contract's schemas; one that does not match is kept apart and fails the next `waitFor`.
 */
export class Inbox {
  readonly messages: Message[] = [];
  readonly outsideContract: string[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      const message = decodeServerMessage(text);
      if (message === null) this.outsideContract.push(text);
      else this.messages.push(message);
    });
  }

  static async open(gatewayUrl: string, path: string, token: string): Promise<Inbox> {
    const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const inbox = new Inbox(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => reject(new Error(`${path}: HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
    return inbox;
  }

  async waitFor<M extends Message>(predicate: (message: Message) => message is M, timeoutMs?: number): Promise<M>;
  async waitFor(predicate: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  async waitFor(predicate: (message: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.outsideContract.length > 0) throw new Error(`messages outside the contract: ${this.outsideContract.join(' | ')}`);
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`message not received; got ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.close(1000);
  }
}
