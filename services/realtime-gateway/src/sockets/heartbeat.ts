import { every, type Clock } from '@rideline/service-kit';
import type { Connection } from './connection.ts';

/**
 * How often the heartbeat wakes to ping its next slot of sockets. Pinging every socket in one
 * turn stalled the event loop, and every delivery behind it: with 10,000 sockets, 390-470 ms of
 * ping writes on a busy machine, then the 10,000 pongs arriving together (all answered 940 ms
 * after the first ping; a bare `ws` server, 2026-11-30). A slot this short keeps a turn to a
 * sliver of the sockets: at the default 30 s interval, 300 slots of about 34 sockets each.
 */
export const HEARTBEAT_SLOT_MS = 100;

/**
 * Pings every socket once per interval, with one timer for all of them, spread across the
 * interval: sockets are dealt round-robin into slots, and each tick pings one slot. A socket
 * that has not answered (pong or any frame) since its previous ping, one interval earlier, is a
 * dead peer and is terminated (no close handshake: nobody is there to read one).
 */
export class Heartbeat {
  readonly #slots: Set<Connection>[];
  #dealt = 0;
  #next = 0;
  readonly #stop: () => void;

  constructor(clock: Clock, intervalMs: number) {
    const slots = Math.max(1, Math.floor(intervalMs / HEARTBEAT_SLOT_MS));
    this.#slots = Array.from({ length: slots }, () => new Set<Connection>());
    // One tick per slot, so a socket's pings are one whole interval apart.
    this.#stop = every(clock, intervalMs / slots, () => this.#tick());
  }

  add(connection: Connection): void {
    connection.heartbeatSlot = this.#dealt++ % this.#slots.length;
    this.#slots[connection.heartbeatSlot]!.add(connection);
  }

  delete(connection: Connection): void {
    this.#slots[connection.heartbeatSlot]?.delete(connection);
  }

  stop(): void {
    this.#stop();
  }

  #tick(): void {
    const slot = this.#slots[this.#next]!;
    this.#next = (this.#next + 1) % this.#slots.length;
    for (const connection of slot) {
      if (connection.closing) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
