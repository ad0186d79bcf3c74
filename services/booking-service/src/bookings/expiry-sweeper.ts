import { ServiceError } from '@rideline/service-kit';
import type { BookingCommands } from './booking-commands.ts';
import type { BookingQueries } from './booking-queries.ts';

export interface ExpirySweeperOptions {
  readonly queries: BookingQueries;
  readonly commands: BookingCommands;
  readonly intervalMs: number;
  readonly now: () => Date;
  readonly logger: { warn(obj: object, msg?: string): void };
}

/**
 * Expires pending bookings past their deadline. Every instance may sweep: two instances
 * expiring the same booking collide on its stream version and the loser is refused, harmlessly.
 */
export class ExpirySweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(private readonly options: ExpirySweeperOptions) {}

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One sweep; returns how many bookings it expired. */
  async sweep(): Promise<number> {
    const now = this.options.now();
    let expired = 0;
    for (const bookingId of await this.options.queries.overdue(now, 200)) {
      try {
        await this.options.commands.execute(bookingId, { type: 'ExpireBooking', now: now.toISOString() });
        expired++;
      } catch (error) {
        // Accepted or cancelled meanwhile, or expired by another instance: nothing to do.
        if (!(error instanceof ServiceError)) throw error;
      }
    }
    return expired;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'expiry sweep failed'))
        .finally(() => this.#schedule());
    }, this.options.intervalMs);
  }
}
