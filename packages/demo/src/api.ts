import { randomUUID } from 'node:crypto';
import { createRidelineClient, type ClientError, type RidelineClient } from '@rideline/client';
import { decodeServerMessage, type ServerMessage } from '@rideline/contracts';
import WebSocket from 'ws';

/** A rider or driver as an app holds it: the HTTP client signed in as them (`@rideline/client`). */
export interface Account {
  readonly id: string;
  /** The access token issued at registration, for the sockets. */
  readonly token: string;
  readonly client: RidelineClient;
}

export interface HttpUrls {
  readonly bookingUrl: string;
  readonly dispatchUrl: string;
}

/** Registers a rider (`user`) or a driver with a fresh address; throws if the service refuses. */
export async function register(urls: HttpUrls, kind: 'user' | 'driver'): Promise<Account> {
  const client = createRidelineClient(urls);
  const email = `demo-${kind}-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'demo password 1234';
  if (kind === 'user') {
    const result = await client.auth.registerRider({ name: 'Demo rider', email, password });
    if (!result.ok) throw new Error(`register rider: ${describe(result.error)}`);
    return { id: result.data.user.id, token: result.data.access_token, client };
  }
  const plate = `KA-${Math.floor(Math.random() * 9000 + 1000)}`;
  const result = await client.auth.registerDriver({ name: 'Demo driver', email, password, vehicle: { plate, model: 'Demo' } });
  if (!result.ok) throw new Error(`register driver: ${describe(result.error)}`);
  return { id: result.data.driver.id, token: result.data.access_token, client };
}

export const describe = (error: ClientError): string => (error.kind === 'network' ? `network: ${error.message}` : `HTTP ${error.status} ${error.code}: ${error.message}`);

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
