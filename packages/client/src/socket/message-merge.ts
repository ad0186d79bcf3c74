import type { BookingStatus, ServerMessage } from '@rideline/contracts/socket-messages';

/**
 * Merges the snapshot the gateway sends on every (re)connect with what the app has already
 * seen, so each change reaches the app once. The gateway re-sends current state on connect
 * (README "No lost updates across reconnects"), so after a reconnect the client sees again
 * what it saw before the drop. The rule, per message type:
 *
 * - `booking_status`: once per (booking id, status). A booking never returns to a status it
 *   left, so a repeated pair is always a re-send.
 * - `otp`: once per (booking id, otp): the snapshot repeats the OTP of an accepted booking.
 * - `available_booking`: once while the offer is open; after `booking_unavailable` for the
 *   same booking, a new offer of it is delivered again.
 * - `booking_unavailable`: once per open offer (and delivered when the offer was never seen).
 * - `error`: always (a reply to a frame or a notice, never a re-send of state).
 *
 * Memory is bounded by `capacity` bookings, the oldest forgotten first; a forgotten booking's
 * re-send would be delivered once more.
 */
interface Seen {
  readonly statuses: Set<BookingStatus>;
  otp: string | null;
  offer: 'open' | 'ended' | null;
}

export const DEFAULT_MERGE_CAPACITY = 1_000;

export class MessageMerge {
  readonly #bookings = new Map<string, Seen>();

  constructor(private readonly capacity: number = DEFAULT_MERGE_CAPACITY) {}

  /** True when the message is new to the app; records it. */
  admit(message: ServerMessage): boolean {
    switch (message.type) {
      case 'booking_status': {
        const seen = this.#seen(message.booking_id);
        if (seen.statuses.has(message.status)) return false;
        seen.statuses.add(message.status);
        return true;
      }
      case 'otp': {
        const seen = this.#seen(message.booking_id);
        if (seen.otp === message.otp) return false;
        seen.otp = message.otp;
        return true;
      }
      case 'available_booking': {
        const seen = this.#seen(message.booking_id);
        if (seen.offer === 'open') return false;
        seen.offer = 'open';
        return true;
      }
      case 'booking_unavailable': {
        const seen = this.#seen(message.booking_id);
        if (seen.offer === 'ended') return false;
        seen.offer = 'ended';
        return true;
      }
      case 'error':
        return true;
      default:
        return assertNever(message);
    }
  }

  /** Bookings remembered (for tests and diagnostics). */
  get size(): number {
    return this.#bookings.size;
  }

  #seen(bookingId: string): Seen {
    const existing = this.#bookings.get(bookingId);
    if (existing) {
      // Re-insert: Map order is then least-recently-used first.
      this.#bookings.delete(bookingId);
      this.#bookings.set(bookingId, existing);
      return existing;
    }
    const created: Seen = { statuses: new Set(), otp: null, offer: null };
    this.#bookings.set(bookingId, created);
    if (this.#bookings.size > this.capacity) {
      const oldest = this.#bookings.keys().next().value;
      if (oldest !== undefined) this.#bookings.delete(oldest);
    }
    return created;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
