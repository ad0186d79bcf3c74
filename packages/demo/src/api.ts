import { randomUUID } from 'node:crypto';
import {
  createRidelineClient,
  type ClientError,
  type LifecycleEvents,
  type RidelineClient,
  type SocketClientOptions,
  type SocketState,
  type Unsubscribe,
} from '@rideline/client';
import WebSocket from 'ws';

/** A rider or driver as an app holds it: the HTTP client signed in as them (`@rideline/client`). */
export interface Account {
  readonly id: string;
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
    return { id: result.data.user.id, client };
  }
  const plate = `KA-${Math.floor(Math.random() * 9000 + 1000)}`;
  const result = await client.auth.registerDriver({ name: 'Demo driver', email, password, vehicle: { plate, model: 'Demo' } });
  if (!result.ok) throw new Error(`register driver: ${describe(result.error)}`);
  return { id: result.data.driver.id, client };
}

export const describe = (error: ClientError): string =>
  error.kind === 'network' ? `network: ${error.message}` : `HTTP ${error.status} ${error.code}: ${error.message}`;

/**
 * What every socket client of an account is given: its tokens come from the account's HTTP
 * session. Node 20 has no global WebSocket, hence `ws`'s; `ws` takes headers, so the token goes
 * in `Authorization` rather than in the subprotocol.
 */
export function socketOptions(gatewayUrl: string, account: Account, signal: AbortSignal): SocketClientOptions {
  const { client } = account;
  return {
    url: gatewayUrl,
    WebSocket,
    auth: 'header',
    getToken: () => client.getToken(),
    refreshToken: async () => {
      const refreshed = await client.refresh();
      return refreshed.ok ? refreshed.data.accessToken : null;
    },
    signal,
  };
}

/** The part of a socket client that `whenOpen` watches. */
interface Lifecycle {
  on<K extends keyof LifecycleEvents>(type: K, listener: (value: LifecycleEvents[K]) => void): Unsubscribe;
}

/**
 * Resolves when the client's first connection opens, so that the demo starts booking only once
 * every socket listens; rejects if the client stops first (a refused token, say) or the gateway
 * has not answered within `timeoutMs` (the client itself would keep retrying).
 */
export function whenOpen(socket: Lifecycle, name: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let last: SocketState | null = null;
    const timer = setTimeout(() => settle(new Error(`${name}: not open after ${timeoutMs} ms (last state ${JSON.stringify(last)})`)), timeoutMs);
    const unsubscribe = socket.on('state', (state) => {
      last = state;
      if (state.state === 'open') settle(null);
      else if (state.state === 'stopped') settle(new Error(`${name}: stopped (${state.reason})`));
    });
    function settle(error: Error | null): void {
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve();
    }
  });
}
