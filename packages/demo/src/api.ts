import { randomUUID } from 'node:crypto';
import { decodeServerMessage, type ServerMessage } from '@rideline/contracts';
import WebSocket from 'ws';

/** The public contract, as an app would use it: HTTP with bearer tokens, and sockets. */
export interface Account {
  readonly id: string;
  readonly token: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body}`);
  }
}

export async function call<T>(url: string, method: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function register(bookingUrl: string, kind: 'user' | 'driver'): Promise<Account> {
  const email = `demo-${kind}-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'demo password 1234';
  if (kind === 'user') {
    const body = await call<{ user: { id: string }; access_token: string }>(`${bookingUrl}/auth/users/register`, 'POST', {
      name: 'Demo rider',
      email,
      password,
    });
    return { id: body.user.id, token: body.access_token };
  }
  const body = await call<{ driver: { id: string }; access_token: string }>(`${bookingUrl}/auth/drivers/register`, 'POST', {
    name: 'Demo driver',
    email,
    password,
    vehicle: { plate: `KA-${Math.floor(Math.random() * 9000 + 1000)}`, model: 'Demo' },
  });
  return { id: body.driver.id, token: body.access_token };
}

export type SocketMessage = ServerMessage;

/**
 * Opens a socket whose messages are read against the contract; `onInvalid` hears a message
 * that is not JSON or does not match it (the demo counts it as an error rather than guess).
 */
export function openSocket(
  gatewayUrl: string,
  path: string,
  token: string,
  onMessage: (message: SocketMessage) => void,
  onInvalid: (text: string) => void = () => {},
): Promise<WebSocket> {
  const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${token}` } });
  socket.on('message', (data) => {
    const text = data.toString();
    const message = decodeServerMessage(text);
    if (message === null) onInvalid(text);
    else onMessage(message);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`${path}: HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}
