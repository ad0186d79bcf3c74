import { ENDPOINT_NAMES, type Endpoint } from '../domain/endpoints.ts';
import { announcesDisconnection, DRIVER_DISCONNECTED, type OutboundType } from '../domain/messages.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { CLOSE } from './close-codes.ts';
import type { Connection } from './connection.ts';

const DISCONNECTED_JSON = JSON.stringify(DRIVER_DISCONNECTED);
const NONE: ReadonlySet<Connection> = new Set();
/** After a close frame is queued, how long a peer gets to finish the handshake before it is cut. */
const CLOSE_GRACE_MS = 5_000;
/**
 * Writes held back (corked) before the hub flushes in the middle of a turn: bounds how long the
 * first message of a large Kafka batch waits for the last one. A batch this large comes only from
 * a backlog (kafkajs' default 1 MiB a partition is about 2,000 offers), when the latency is the
 * queue's anyway, and that is when several messages for one socket are in one batch: each socket
 * flushed is one writev, the largest cost of a delivery, whatever it carries. At 512 a backlogged
 * gateway flushed every socket of a partition about once per publish (2,000 drivers over 6
 * partitions), one writev per message; holding the whole batch sends them a few per writev.
 */
const MAX_CORKED_WRITES = 4_096;

export interface HubOptions {
  readonly maxBufferedBytes: number;
  /** Endpoints with a bound of their own (the ops stream, whose snapshot is a whole city). */
  readonly maxBufferedBytesOf?: Partial<Record<Endpoint, number>>;
  /** Open sockets one principal may hold on one endpoint (WS_MAX_SOCKETS_PER_PRINCIPAL). */
  readonly maxPerPrincipal: number;
  readonly metrics: GatewayMetrics;
  /** Told of every connection that leaves (to unschedule its expiry). */
  readonly onRemove?: (connection: Connection) => void;
}

/**
 * The sockets open on this instance, by endpoint and principal: every socket of a principal on
 * an endpoint receives what is addressed to that principal there. Writes go through `send`,
 * which refuses to queue past the bound and closes a slow client with 4008 instead.
 */
export class SocketHub {
  readonly #routes = new Map<Endpoint, Map<string, Set<Connection>>>(ENDPOINT_NAMES.map((endpoint) => [endpoint, new Map()]));
  readonly #options: HubOptions;
  readonly #bufferLimits: ReadonlyMap<Endpoint, number>;
  #size = 0;
  /**
   * Set when shutdown starts. An upgrade already past its checks then (its token verified while
   * the socket was still listening) completes after the sockets were closed; left open, it held
   * the HTTP server's close forever. Such a newcomer is closed with 1001 at once.
   */
  #shuttingDown = false;
  /**
   * Connections written to in the current turn of the event loop, their streams corked: a Kafka
   * batch often holds several messages for one socket, and each uncorked `ws.send` is a syscall
   * of its own, the largest cost of a delivery. They are uncorked once the turn's synchronous
   * work is done (a microtask), or earlier after MAX_CORKED_WRITES writes.
   */
  readonly #corked: Connection[] = [];
  #corkedWrites = 0;
  readonly #flush = () => this.#uncorkAll();

  constructor(options: HubOptions) {
    this.#options = options;
    this.#bufferLimits = new Map(ENDPOINT_NAMES.map((endpoint) => [endpoint, options.maxBufferedBytesOf?.[endpoint] ?? options.maxBufferedBytes]));
  }

  get size(): number {
    return this.#size;
  }

  add(connection: Connection): void {
    const principals = this.#routes.get(connection.endpoint)!;
    let sockets = principals.get(connection.principalId);
    if (!sockets) principals.set(connection.principalId, (sockets = new Set()));
    sockets.add(connection);
    this.#size++;
    this.#options.metrics.openSockets.inc({ endpoint: connection.endpoint });
    this.#options.metrics.opened.inc({ endpoint: connection.endpoint });
    if (this.#shuttingDown) this.close(connection, CLOSE.goingAway, 'server shutting down');
  }

  /**
   * Before `connection` is added: closes the oldest sockets of its principal on its endpoint
   * (4029) until it fits under the cap. The oldest go, not the newcomer: a phone that changed
   * networks leaves half-open sockets behind that only the heartbeat finds, up to two ping
   * intervals later, and refusing the new one would lock the rider out of its OTP meanwhile.
   * Returns how many were closed.
   */
  makeRoomFor(connection: Connection): number {
    const sockets = this.#routes.get(connection.endpoint)!.get(connection.principalId);
    if (!sockets) return 0;
    // Sockets already closing (from either side) are on their way out and do not count.
    const counts = (other: Connection) => !other.closing && other.socket.readyState === other.socket.OPEN;
    let open = 0;
    for (const other of sockets) if (counts(other)) open++;
    let closed = 0;
    // A Set iterates in insertion order: oldest first.
    for (const other of sockets) {
      if (open < this.#options.maxPerPrincipal) break;
      if (!counts(other)) continue;
      this.close(other, CLOSE.tooManySockets, 'replaced by a newer connection');
      open--;
      closed++;
    }
    return closed;
  }

  /** The sockets of one principal on one endpoint (live view, do not close while iterating). */
  socketsOf(endpoint: Endpoint, principalId: string): ReadonlySet<Connection> {
    return this.#routes.get(endpoint)!.get(principalId) ?? NONE;
  }

  /** Called once the socket has closed, however it closed. */
  remove(connection: Connection, code: number): void {
    const principals = this.#routes.get(connection.endpoint)!;
    const sockets = principals.get(connection.principalId);
    if (!sockets?.delete(connection)) return;
    if (sockets.size === 0) principals.delete(connection.principalId);
    this.#size--;
    this.#options.metrics.openSockets.dec({ endpoint: connection.endpoint });
    this.#options.metrics.closes.inc({ endpoint: connection.endpoint, code: String(code) });
    this.#options.onRemove?.(connection);
  }

  /** Every socket open on one endpoint, whoever it is for (the ops stream goes to all alike). */
  *socketsOn(endpoint: Endpoint): Generator<Connection> {
    for (const sockets of this.#routes.get(endpoint)!.values()) yield* sockets;
  }

  has(endpoint: Endpoint, principalId: string): boolean {
    return this.#routes.get(endpoint)!.has(principalId);
  }

  *connections(): Generator<Connection> {
    for (const principals of this.#routes.values()) for (const sockets of principals.values()) yield* sockets;
  }

  /**
   * A live message to every socket of `principalId` on `endpoint`; `occurredAtMs` is the event
   * time, for the latency metric. Returns how many sockets it was written to.
   */
  deliver(endpoint: Endpoint, principalId: string, json: string, type: OutboundType, occurredAtMs: number): number {
    const sockets = this.#routes.get(endpoint)!.get(principalId);
    if (!sockets) return 0;
    let written = 0;
    for (const connection of sockets) {
      if (!this.send(connection, json)) continue;
      written++;
      this.#options.metrics.latency.observe((Date.now() - occurredAtMs) / 1000);
    }
    if (written > 0) this.#options.metrics.delivered(endpoint, type, written);
    return written;
  }

  /** Writes one message unless the socket is closing or too far behind (then it is closed, 4008). */
  send(connection: Connection, json: string): boolean {
    if (connection.closing) return false;
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount + json.length > this.#bufferLimits.get(connection.endpoint)!) {
      this.#options.metrics.slowClientCloses.inc({ endpoint: connection.endpoint });
      this.close(connection, CLOSE.slowClient, 'slow client');
      return false;
    }
    if (!connection.corked) {
      if (this.#corked.length === 0) queueMicrotask(this.#flush);
      connection.corked = true;
      connection.transport.cork();
      this.#corked.push(connection);
    }
    socket.send(json);
    if (++this.#corkedWrites >= MAX_CORKED_WRITES) this.#uncorkAll();
    return true;
  }

  /** Sends what this turn's writes left corked. */
  #uncorkAll(): void {
    const corked = this.#corked;
    for (let i = 0; i < corked.length; i++) {
      const connection = corked[i]!;
      connection.corked = false;
      connection.transport.uncork();
    }
    corked.length = 0;
    this.#corkedWrites = 0;
  }

  /**
   * Closes from the server side: `before` first (e.g. the 401 body), then, on an
   * available-bookings socket, the spec's disconnection message, then the close frame. A peer
   * that does not complete the close handshake in time is cut.
   */
  close(connection: Connection, code: number, reason: string, before?: string): void {
    if (connection.closing) return;
    connection.closing = true;
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) {
      socket.terminate();
      return;
    }
    if (before !== undefined) socket.send(before);
    if (announcesDisconnection(connection.endpoint)) socket.send(DISCONNECTED_JSON);
    socket.close(code, reason);
    // Real time, not the injected clock: this bounds a wait on a real peer's I/O.
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Shutdown: every socket is closed with 1001; resolves when all are gone or at the deadline. */
  async closeAll(deadlineMs: number): Promise<void> {
    this.#shuttingDown = true;
    for (const connection of this.connections()) this.close(connection, CLOSE.goingAway, 'server shutting down');
    const deadline = Date.now() + deadlineMs;
    while (this.#size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of this.connections()) connection.socket.terminate();
  }
}
