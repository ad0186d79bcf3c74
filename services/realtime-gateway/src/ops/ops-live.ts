import type { OpsBoard } from '../domain/ops-board.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketHub } from '../sockets/hub.ts';

export interface OpsLiveOptions {
  readonly board: OpsBoard;
  readonly hub: SocketHub;
  readonly metrics: GatewayMetrics;
  readonly frameIntervalMs: number;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
}

/**
 * `/ws/ops/live`: every `frameIntervalMs` what changed on the board goes to every operator socket
 * as one frame, serialised once. Between two frames a driver's ten pings are one entry, so
 * 10,000 drivers cost at most 10,000 entries a frame whatever their ping rate. The board is
 * drained even with no operator connected, so changes do not pile up; a slow socket is closed
 * by the hub's rule (4008) like any other.
 */
export class OpsLive {
  readonly #options: OpsLiveOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: OpsLiveOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#options.frameIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The serialised snapshot for a socket that opens. */
  snapshot(): string {
    return JSON.stringify(this.#options.board.snapshot(this.#options.now()));
  }

  /** Sends one update frame (public for tests, which drive the clock themselves). */
  tick(): void {
    const { board, hub, metrics, now } = this.#options;
    const update = board.drain(now());
    if (update === null) return;
    let json: string | undefined;
    let written = 0;
    for (const connection of hub.socketsOn('ops_live')) {
      json ??= JSON.stringify(update);
      if (hub.send(connection, json)) written++;
    }
    if (written > 0) metrics.delivered('ops_live', 'ops_update', written);
  }
}
