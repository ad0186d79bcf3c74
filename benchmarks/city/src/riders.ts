import type { Account } from '@rideline/e2e/client';
import { FirstArrivals } from '@rideline/e2e-bench/arrivals';
import type WebSocket from 'ws';
import type { AccountMint } from './accounts.ts';
import { epochMs } from './clock.ts';
import { forEachLimited, openSocket } from './sockets.ts';

export interface Rider extends Account {
  readonly index: number;
  readonly socket: WebSocket;
}

/**
 * Riders on their `/ws/bookings/` sockets. A rider may hold one active booking at a time, so a
 * ride takes a free rider and gives it back when the ride has ended; the pool is sized so that
 * the rate, not the riders, bounds the load (a booking due when no rider is free is counted).
 */
export class RiderPool {
  /** Booking id → the `accepted` status on its rider's socket. */
  readonly acceptedStatuses = new FirstArrivals<number>();
  /** Booking id → the OTP from the `otp` message on its rider's socket. */
  readonly otps = new FirstArrivals<string>();
  readonly riders: Rider[] = [];
  readonly lostSockets: string[] = [];
  readonly #free: number[] = [];
  #closing = false;

  async open(gatewayUrl: string, mint: AccountMint, count: number): Promise<void> {
    await forEachLimited(mint.mint('user', count), 64, async (account) => {
      const socket = await openSocket(gatewayUrl, '/ws/bookings/', account.token);
      // The index is taken only once the socket is open, in the same turn as the push: taken
      // before the await, 64 concurrent opens read the same length, so two riders shared an
      // index, the pool handed one rider to two rides at once, and its second booking was
      // refused 409 RIDER_HAS_ACTIVE_BOOKING (counted as lost rides from about 30 rides/s).
      const rider: Rider = { ...account, index: this.riders.length, socket };
      this.riders.push(rider);
      this.#free.push(rider.index);
      this.#listen(rider);
    });
  }

  take(): Rider | undefined {
    const index = this.#free.pop();
    return index === undefined ? undefined : this.riders[index];
  }

  release(rider: Rider): void {
    this.#free.unshift(rider.index);
  }

  close(): void {
    this.#closing = true;
    for (const rider of this.riders) rider.socket.close(1000);
  }

  #listen(rider: Rider): void {
    rider.socket.on('message', (data) => {
      const at = epochMs();
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const bookingId = String(message['booking_id']);
      if (message['type'] === 'booking_status' && message['status'] === 'accepted') this.acceptedStatuses.record(bookingId, rider.index, at);
      else if (message['type'] === 'otp') this.otps.record(bookingId, String(message['otp']), at);
    });
    rider.socket.once('close', (code) => {
      if (!this.#closing) this.lostSockets.push(`rider ${rider.index}: socket closed by the server with ${code}`);
    });
  }
}
