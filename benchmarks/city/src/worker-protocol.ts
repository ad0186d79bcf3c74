import type { Point } from '@rideline/demo/city';

/** One driver a worker holds: its global index (the runner's), its account and where it waits. */
export interface DriverSeed {
  readonly index: number;
  readonly id: string;
  readonly token: string;
  readonly home: Point;
}

/** Runner → driver worker (over the IPC channel of `fork`). */
export type ToWorker =
  | {
      /** Connect these drivers (more may come later), say they are available, and keep sending their locations. */
      readonly type: 'add';
      readonly gatewayUrl: string;
      readonly dispatchUrl: string;
      readonly drivers: readonly DriverSeed[];
      readonly periodMs: number;
    }
  /** The counters since the last ask, which resets them. */
  | { readonly type: 'counters' }
  | { readonly type: 'stop' };

/** Driver worker → runner. */
export type FromWorker =
  | { readonly type: 'added'; readonly count: number }
  | { readonly type: 'failed'; readonly message: string }
  /** An `available_booking` reached driver `driver`'s socket at `at` (epochMs). */
  | { readonly type: 'offer'; readonly bookingId: string; readonly driver: number; readonly at: number }
  | { readonly type: 'counters'; readonly counters: WorkerCounters }
  | { readonly type: 'socket-lost'; readonly driver: number; readonly code: number };

export interface WorkerCounters {
  /** Location frames sent. */
  readonly frames: number;
  /** One sample per schedule slot played: how late its frames went out, ms (the worker's own lag). */
  readonly lagsMs: readonly number[];
}
