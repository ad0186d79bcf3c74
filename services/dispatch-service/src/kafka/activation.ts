import type { Ownership } from './ownership.ts';

/** What activation switches on; `Dispatcher` and `DriverStateRepublisher` in production. */
export interface ActivationTargets {
  readonly dispatcher: { activate(): void; reviewPartitions(partitions: ReadonlySet<number>): void };
  readonly republisher: { review(): void };
}

/**
 * The activation handshake: an instance acts only with the whole state (the replay caught up)
 * and a share of the group (an assignment). `check()` is called when either may have become true
 * (the replay catching up, every assignment); once both hold it switches the dispatcher and the
 * state republisher on and reviews the share whole: every booking in the owned booking.events
 * partitions is reviewed, so a share taken over from another instance is finished. Each new
 * assignment is reviewed again. No I/O.
 */
export class Activation {
  readonly #caughtUp: () => boolean;
  readonly #ownership: Pick<Ownership, 'assigned' | 'partitionsOf'>;
  readonly #targets: ActivationTargets;
  #markActive: () => void = () => {};
  readonly #active = new Promise<void>((resolve) => (this.#markActive = resolve));

  constructor(options: { readonly caughtUp: () => boolean; readonly ownership: Pick<Ownership, 'assigned' | 'partitionsOf'> } & ActivationTargets) {
    this.#caughtUp = options.caughtUp;
    this.#ownership = options.ownership;
    this.#targets = { dispatcher: options.dispatcher, republisher: options.republisher };
  }

  /** Activates (again) if the state is whole and the instance has an assignment; says whether it did. */
  check(): boolean {
    if (!this.#caughtUp() || !this.#ownership.assigned) return false;
    this.#targets.dispatcher.activate();
    this.#targets.dispatcher.reviewPartitions(this.#ownership.partitionsOf('bookingEvents'));
    this.#targets.republisher.review();
    this.#markActive();
    return true;
  }

  /** Resolves at the first activation. */
  whenActive(): Promise<void> {
    return this.#active;
  }
}
