import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { AccessTokenVerification, PrincipalKind } from '@rideline/auth';
import type { Clock } from '@rideline/service-kit';
import { ADMITTED_KINDS, ENDPOINT_NAMES, type Endpoint } from '../domain/endpoints.ts';
import { parseInboundFrame } from '../domain/inbound.ts';
import { INVALID_TOKEN, MALFORMED_FRAME } from '../domain/messages.ts';
import type { Projection } from '../domain/projection.ts';
import { spend, type RateLimit } from '../domain/rate-budget.ts';
import { snapshotFor } from '../domain/snapshot.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { CLOSE } from './close-codes.ts';
import { Connection } from './connection.ts';
import { ExpiryWheel } from './expiry-wheel.ts';
import { Heartbeat } from './heartbeat.ts';
import { SocketHub } from './hub.ts';

const MALFORMED_JSON = JSON.stringify(MALFORMED_FRAME);
const INVALID_TOKEN_JSON = JSON.stringify(INVALID_TOKEN);

/** Where a driver's `{"type":"location"}` frames go (driver.locations). */
export interface LocationSink {
  report(driverId: string, lat: number, lng: number): void;
}

export interface SocketServiceOptions {
  readonly projection: Projection;
  /** Checks a token sent in band (`accessTokens.verify`: signature, expiry, revoked session). */
  readonly verify: (token: string) => Promise<AccessTokenVerification>;
  readonly locations: LocationSink;
  readonly metrics: GatewayMetrics;
  readonly maxBufferedBytes: number;
  /** Endpoints with a bound of their own on unsent data. */
  readonly maxBufferedBytesOf?: Partial<Record<Endpoint, number>>;
  /** The ops stream's snapshot, serialised, for an `ops_live` socket that opens. */
  readonly opsSnapshot?: () => string;
  readonly inbound: RateLimit;
  readonly pingIntervalMs: number;
  readonly snapshotEndedWithinMs: number;
  readonly maxSocketsPerPrincipal: number;
  /** Whether a login session has been revoked (logout): its tokens are refused, its sockets closed. */
  readonly isSessionRevoked: (sessionId: string | undefined) => boolean;
  /** Decides token expiry, heartbeats and rate budgets. */
  readonly clock: Clock;
}

/** Who a socket is for, as its token says. */
export interface SocketPrincipal {
  readonly id: string;
  /** The token's `exp`, seconds since the epoch. */
  readonly expiresAt: number;
  /** The token's `sid`, when it has one. */
  readonly sessionId: string | undefined;
}

/**
 * The life of an authenticated socket: registered for its principal, given its snapshot, fed
 * live messages by the hub, read (location, refresh, everything else answered as malformed),
 * pinged, and closed at its token's expiry, when it falls too far behind, or at shutdown.
 */
export class SocketService {
  readonly hub: SocketHub;
  readonly #wheel: ExpiryWheel;
  readonly #options: SocketServiceOptions;
  readonly #heartbeat: Heartbeat;

  constructor(options: SocketServiceOptions) {
    this.#options = options;
    this.#wheel = new ExpiryWheel(options.clock, (connection) => this.#expire(connection));
    this.#heartbeat = new Heartbeat(options.clock, options.pingIntervalMs);
    this.hub = new SocketHub({
      maxBufferedBytes: options.maxBufferedBytes,
      ...(options.maxBufferedBytesOf ? { maxBufferedBytesOf: options.maxBufferedBytesOf } : {}),
      maxPerPrincipal: options.maxSocketsPerPrincipal,
      metrics: options.metrics,
      onRemove: (connection) => {
        this.#wheel.delete(connection);
        this.#heartbeat.delete(connection);
      },
    });
  }

  /**
   * Takes over a freshly upgraded socket. Registration and the snapshot happen in one
   * synchronous step, so no event can slip between the state sent and the live messages after.
   */
  open(socket: WebSocket, transport: Duplex, endpoint: Endpoint, principal: SocketPrincipal): void {
    const now = this.#options.clock.now();
    const { id: principalId, expiresAt, sessionId } = principal;
    const connection = new Connection(socket, transport, endpoint, principalId, expiresAt, sessionId ?? null, this.#options.inbound.burst, now);
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(connection, data, isBinary));
    socket.on('pong', () => (connection.alive = true));
    socket.once('close', (code: number) => this.hub.remove(connection, code));
    // The token was checked before the upgrade; it may have expired, or its session been
    // revoked, during the handshake. Such a socket does not take the place of a good one.
    const invalid = expiresAt * 1000 <= now || this.#options.isSessionRevoked(sessionId);
    if (!invalid) this.hub.makeRoomFor(connection);
    this.hub.add(connection);
    if (invalid) {
      this.#expire(connection);
      return;
    }
    this.#wheel.add(connection);
    this.#heartbeat.add(connection);
    if (endpoint === 'ops_live') {
      if (this.#options.opsSnapshot && this.hub.send(connection, this.#options.opsSnapshot())) {
        this.#options.metrics.delivered(endpoint, 'ops_snapshot');
      }
      return;
    }
    for (const message of snapshotFor(this.#options.projection, endpoint, principalId, now - this.#options.snapshotEndedWithinMs)) {
      if (!this.hub.send(connection, JSON.stringify(message))) break;
      this.#options.metrics.delivered(endpoint, message.type);
    }
  }

  /**
   * A login session was revoked: every socket of the principal whose current token belongs to
   * it is closed as at expiry (the 401 body, then 4001). Returns how many.
   */
  closeSession(kind: PrincipalKind, principalId: string, sessionId: string): number {
    const revoked: Connection[] = [];
    for (const endpoint of ENDPOINT_NAMES) {
      if (!ADMITTED_KINDS[endpoint].has(kind)) continue;
      for (const connection of this.hub.socketsOf(endpoint, principalId)) {
        if (connection.sessionId === sessionId && !connection.closing) revoked.push(connection);
      }
    }
    for (const connection of revoked) {
      this.#options.metrics.sessionRevocationCloses.inc({ endpoint: connection.endpoint });
      this.hub.close(connection, CLOSE.tokenExpired, 'session revoked', INVALID_TOKEN_JSON);
    }
    return revoked.length;
  }

  /** Closes every socket with 1001 (the notice first on available-bookings sockets). */
  async shutdown(deadlineMs: number): Promise<void> {
    this.#heartbeat.stop();
    this.#wheel.stop();
    await this.hub.closeAll(deadlineMs);
  }

  #onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    if (connection.closing) return;
    const { endpoint } = connection;
    if (!spend(connection, this.#options.inbound, this.#options.clock.now())) {
      this.#options.metrics.inboundFrames.inc({ endpoint, kind: 'over_rate' });
      this.hub.close(connection, CLOSE.policyViolation, 'too many messages');
      return;
    }
    const frame = parseInboundFrame(endpoint, isBinary ? null : textOf(data));
    this.#options.metrics.inboundFrames.inc({ endpoint, kind: frame.type });
    switch (frame.type) {
      case 'malformed':
        this.hub.send(connection, MALFORMED_JSON);
        return;
      case 'location':
        this.#options.locations.report(connection.principalId, frame.lat, frame.lng);
        return;
      case 'refresh':
        void this.#refresh(connection, frame.token);
        return;
      default:
        frame satisfies never;
    }
  }

  /**
   * In-band refresh: a valid token of the same principal and kind moves the expiry to its `exp`.
   * Anything else (invalid, expired, another principal, a revoked session: `verify` refuses the
   * first two and the last) is answered with the
   * 401 body and changes nothing: the socket stays open under the token it already proved, until
   * that one expires or its session is revoked. The socket takes the new token's session, so a
   * later revocation of that session closes it. Success is silent (API.md has no message type).
   */
  async #refresh(connection: Connection, token: string): Promise<void> {
    const result = await this.#options.verify(token);
    const { socket } = connection;
    if (connection.closing || socket.readyState !== socket.OPEN) return;
    const accepted = result.ok && ADMITTED_KINDS[connection.endpoint].has(result.principal.kind) && result.principal.id === connection.principalId;
    if (!accepted) {
      this.hub.send(connection, INVALID_TOKEN_JSON);
      return;
    }
    connection.sessionId = result.claims.sid ?? null;
    this.#wheel.reschedule(connection, result.claims.exp);
  }

  #expire(connection: Connection): void {
    this.hub.close(connection, CLOSE.tokenExpired, 'token expired', INVALID_TOKEN_JSON);
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
