import { once } from 'node:events';
import WebSocket from 'ws';

/**
 * A socket on one of the gateway's endpoints, open, authenticated by its bearer header as an app
 * is. Unlike `Inbox` (@rideline/e2e/client) it keeps nothing: a load generator holding
 * thousands of sockets for many minutes handles each message once and forgets it.
 */
export async function openSocket(gatewayUrl: string, path: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const refused = new Promise<never>((_resolve, reject) =>
    socket.once('unexpected-response', (_request, response) => reject(new Error(`${path}: upgrade answered HTTP ${response.statusCode}`))),
  );
  await Promise.race([once(socket, 'open'), refused]); // once() rejects on 'error'
  return socket;
}

/** Runs `task` for every item, at most `concurrency` at a time (connecting thousands of sockets or PUTs). */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
