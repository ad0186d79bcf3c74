import { every, type Clock } from '@rideline/service-kit';
import type { SocketHub } from './hub.ts';

/**
 * Pings every socket each interval, from one timer; a socket that has not answered (pong or any
 * frame) since the previous ping is a dead peer and is terminated (no close handshake: nobody is
 * there to read one).
 */
export function startHeartbeat(hub: SocketHub, clock: Clock, intervalMs: number): () => void {
  return every(clock, intervalMs, () => {
    for (const connection of hub.connections()) {
      if (connection.closing) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  });
}
