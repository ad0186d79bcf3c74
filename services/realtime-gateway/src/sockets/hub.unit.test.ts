import { Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../metrics.ts';
import { CLOSE } from './close-codes.ts';
import { Connection } from './connection.ts';
import { SocketHub } from './hub.ts';

/** The part of a `ws` socket the hub touches when it closes one: enough to see what it did. */
class PeerSocket {
  readonly OPEN = 1;
  readyState = 1;
  readonly closes: number[] = [];
  constructor(private readonly onGone: () => void) {}
  send(): void {}
  close(code: number): void {
    this.closes.push(code);
    this.readyState = 3;
    queueMicrotask(this.onGone); // a peer that answers the close handshake at once
  }
  terminate(): void {
    this.readyState = 3;
  }
}

function setUp() {
  const hub = new SocketHub({ maxBufferedBytes: 1 << 20, maxPerPrincipal: 4, metrics: createGatewayMetrics(new Registry()) });
  const open = (principalId: string) => {
    let connection: Connection;
    const socket = new PeerSocket(() => hub.remove(connection, CLOSE.goingAway));
    // The hub only calls the members PeerSocket has; a full `ws` socket needs a live TCP peer.
    connection = new Connection(socket as unknown as WebSocket, null as never, 'bookings', principalId, 0, null, 10, 0);
    hub.add(connection);
    return socket;
  };
  return { hub, open };
}

describe('SocketHub shutdown', () => {
  it('closes every open socket with 1001 and resolves once they are gone', async () => {
    const { hub, open } = setUp();
    const sockets = [open('a'), open('b')];
    await hub.closeAll(1_000);
    expect(sockets.map((s) => s.closes)).toEqual([[CLOSE.goingAway], [CLOSE.goingAway]]);
    expect(hub.size).toBe(0);
  });

  it('closes at once a socket whose upgrade completes after shutdown began (it held the server open forever)', async () => {
    const { hub, open } = setUp();
    await hub.closeAll(1_000);
    const late = open('c');
    expect(late.closes).toEqual([CLOSE.goingAway]);
    await Promise.resolve();
    expect(hub.size).toBe(0);
  });
});
