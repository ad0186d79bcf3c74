import { every, type Clock } from '@rideline/service-kit';
import type { OpsBoard } from '../domain/ops-board.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketHub } from '../sockets/hub.ts';

export interface OpsLiveOptions {
  readonly board: OpsBoard;
  readonly hub: SocketHub;
  readonly metrics: GatewayMetrics;
  readonly frameIntervalMs: number;
  /** Times the frames and stamps them (the gateway's clock, a ManualClock in tests). */
  readonly clock: Clock;
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
  #stop: (() => void) | undefined;

  constructor(options: OpsLiveOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stop ??= every(this.#options.clock, this.#options.frameIntervalMs, () => this.tick());
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** The serialised snapshot for a socket that opens. */
  snapshot(): string {
    return JSON.stringify(this.#options.board.snapshot(this.#options.clock.now()));
  }

  /** Sends one update frame (public for tests, which drive the clock themselves). */
  tick(): void {
    const { board, hub, metrics, clock } = this.#options;
    const update = board.drain(clock.now());
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
