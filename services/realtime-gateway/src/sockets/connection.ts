import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Endpoint } from '../domain/endpoints.ts';
import type { RateBudget } from '../domain/rate-budget.ts';

/**
 * What the gateway keeps per open socket, beyond `ws`'s own objects: deliberately a handful of
 * fields (memory per idle socket is a target), no per-socket timers (expiry and heartbeat are
 * swept centrally) and no copy of the token.
 */
export class Connection implements RateBudget {
  /** Answered the last ping (or sent anything since). */
  alive = true;
  /** Set once the gateway has started closing it, so it is closed only once. */
  closing = false;
  /** Its TCP stream is corked by the hub, holding this turn's writes for one syscall. */
  corked = false;
  /** Which of the heartbeat's slots pings it (-1 until the heartbeat has it). */
  heartbeatSlot = -1;
  tokens: number;
  refilledAtMs: number;

  constructor(
    readonly socket: WebSocket,
    /** The TCP stream under `socket` (the upgraded request's), corked and uncorked by the hub. */
    readonly transport: Duplex,
    readonly endpoint: Endpoint,
    readonly principalId: string,
    /** The current token's `exp`, seconds since the epoch; moved by an in-band refresh. */
    public expiresAt: number,
    /**
     * The current token's login session (`sid`), null for a token without one; moved by an
     * in-band refresh. Revoking it closes the socket.
     */
    public sessionId: string | null,
    burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.refilledAtMs = nowMs;
  }
}
