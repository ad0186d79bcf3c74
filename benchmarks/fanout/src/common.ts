/**
 * What the load generator, the client workers and the servers under test share: the clock,
 * the message every target delivers, and how a delivery names the publish it belongs to.
 */

/**
 * Milliseconds on CLOCK_MONOTONIC (process.hrtime): one clock for every thread and every
 * process on this machine, so a publish time taken by the driver and a receipt time taken by a
 * client worker can be subtracted directly.
 */
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** The first publishing error since the last `take` (what a target's takePublishError answers). */
export class PublishErrors {
  #first: string | undefined;

  note(message: string): void {
    this.#first ??= message;
  }

  take(): string | undefined {
    const first = this.#first;
    this.#first = undefined;
    return first;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every publish has a sequence number; the booking id every target delivers carries it, in a
 * UUID's shape (so a gateway that insists on UUIDs takes it too): the last 12 hex digits.
 */
export function bookingIdFor(seq: number): string {
  return `fb000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`;
}

/** The sequence number in a delivered booking id, or -1 when it is not one of ours. */
export function seqOfBookingId(id: unknown): number {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : -1;
  if (typeof id !== 'string' || id.length !== 36 || !id.startsWith('fb000000-')) return -1;
  const seq = Number.parseInt(id.slice(24), 16);
  return Number.isSafeInteger(seq) ? seq : -1;
}

/**
 * The message the peer servers broadcast: websocket-api.md's "Available Booking Update" with the
 * `type` API.md adds, so every target moves a message of the shape (and about the size) the
 * gateway sends for a `BookingOffered`.
 */
export function availableBookingMessage(seq: number): string {
  return JSON.stringify({
    type: 'available_booking',
    booking_id: bookingIdFor(seq),
    pickup_location: '123 Street, City',
    dropoff_location: '456 Avenue, City',
    estimated_cost: 300.0,
    message: 'A new booking is available.',
  });
}

/** How a client worker opens one socket. */
export interface SocketSpec {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type ClientProtocol = 'ws' | 'socket.io';

/** Main thread → client worker. */
export type WorkerCommand =
  | {
      readonly type: 'connect';
      readonly protocol: ClientProtocol;
      readonly sockets: readonly SocketSpec[];
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  | { readonly type: 'phase'; readonly firstSeq: number }
  | { readonly type: 'collect' }
  | { readonly type: 'close' };

/** Client worker → main thread. */
export type WorkerReply =
  | { readonly type: 'connected'; readonly open: number; readonly failed: number; readonly errors: readonly string[] }
  | { readonly type: 'phase-set' }
  | {
      readonly type: 'collected';
      /** Latency of every delivery of the phase, ms. */
      readonly latencies: Float64Array;
      /** Deliveries of publishes from before the phase (late ones), not counted. */
      readonly stale: number;
      /** Messages that were not one of our deliveries (other types, unparsable). */
      readonly other: number;
      /** Sockets the server closed since they connected. */
      readonly closed: number;
      readonly firstError: string | undefined;
      /** Size of a delivered frame, bytes. */
      readonly frameBytes: number;
      /** Deliveries of the phase's first publish, and the time the latest of them arrived. */
      readonly firstPublishCount: number;
      readonly firstPublishDone: number;
    }
  | { readonly type: 'closed' };

/**
 * Memory the main thread and the workers share. `sendTimes[seq]` is written by the driver just
 * before it publishes `seq`; `delivered[w]` counts worker w's deliveries of the current phase and
 * `anyDelivered[w]` every delivery (late ones too), `lastReceipt[w]` is the time of w's latest
 * delivery of the phase.
 */
export interface SharedBuffers {
  readonly sendTimes: SharedArrayBuffer;
  readonly delivered: SharedArrayBuffer;
  readonly anyDelivered: SharedArrayBuffer;
  readonly lastReceipt: SharedArrayBuffer;
}

export interface WorkerInit {
  readonly index: number;
  readonly shared: SharedBuffers;
}
