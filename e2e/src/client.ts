import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Account {
  readonly id: string;
  readonly token: string;
}

export type Message = { readonly type: string } & Record<string, unknown>;

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

export async function registerUser(bookingUrl: string): Promise<Account> {
  const { body } = await http(`${bookingUrl}/auth/users/register`, 'POST', {
    name: 'Rider',
    email: `rider-${randomUUID()}@example.com`,
    password: 'correct horse battery',
  });
  return { id: (body['user'] as { id: string }).id, token: body['access_token'] as string };
}

export async function registerDriver(bookingUrl: string): Promise<Account> {
  const { body } = await http(`${bookingUrl}/auth/drivers/register`, 'POST', {
    name: 'Driver',
    email: `driver-${randomUUID()}@example.com`,
    password: 'correct horse battery',
    vehicle: { plate: 'KA-01-0001', model: 'Swift' },
  });
  return { id: (body['driver'] as { id: string }).id, token: body['access_token'] as string };
}

/** A socket that keeps every message it receives, for assertions. */
export class Inbox {
  readonly messages: Message[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Message));
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

  async waitFor(predicate: (message: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
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
