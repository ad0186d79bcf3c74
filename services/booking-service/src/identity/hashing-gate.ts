/**
 * Which waiters go first: `normal` (an account and an address with no recent failures, or a
 * registration) before `suspect` (an account or address that failed recently). A password
 * guesser's attempts are suspect from its second try on an account, so they queue behind
 * the rider who types the right password; they still get every slot nobody else wants.
 */
export type HashingLane = 'normal' | 'suspect';

export interface HashingGateLimits {
  /** Hashes computed at once. */
  readonly concurrency: number;
  /** Requests waiting for a slot. */
  readonly queueLength: number;
  /** Longest wait for a slot. */
  readonly maxWaitMs: number;
}

/** No hashing slot within the bounds: the caller answers 503 with Retry-After. */
export class HashingBusy extends Error {
  constructor() {
    super('password hashing is saturated');
    this.name = 'HashingBusy';
  }
}

interface Waiter {
  readonly admit: () => void;
  readonly shed: () => void;
}

/**
 * Bounds the CPU spent on password hashing (scrypt, ~0.3 s of a core each). Without a bound
 * every login in flight hashes at once and all of them, a real user's included, take as long
 * as the whole flood (24 concurrent wrong logins: 8.6 s). With it, at most `concurrency`
 * hashes run, at most `queueLength` requests wait, none waits longer than `maxWaitMs`, and the
 * rest are refused at once, cheaply: a flood gets 503s, and a normal-lane request waits for
 * one slot, not for the flood. A full queue makes room for a normal arrival by shedding the
 * newest suspect waiter.
 */
export class HashingGate {
  readonly #limits: HashingGateLimits;
  #running = 0;
  readonly #waiting: Record<HashingLane, Waiter[]> = { normal: [], suspect: [] };
  /** Requests refused since start, for the metrics. */
  shed = 0;

  constructor(limits: HashingGateLimits) {
    this.#limits = limits;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.normal.length + this.#waiting.suspect.length;
  }

  /** Runs `task` in a slot; rejects with HashingBusy when no slot comes within the bounds. */
  async run<T>(lane: HashingLane, task: () => Promise<T>): Promise<T> {
    await this.#enter(lane);
    try {
      return await task();
    } finally {
      this.#leave();
    }
  }

  #enter(lane: HashingLane): Promise<void> {
    if (this.#running < this.#limits.concurrency && this.queued === 0) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.queued >= this.#limits.queueLength) {
      const evicted = lane === 'normal' ? this.#waiting.suspect.pop() : undefined;
      if (!evicted) return this.#refuse();
      evicted.shed();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = this.#waiting[lane];
      const remove = () => {
        clearTimeout(timer);
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
      };
      const waiter: Waiter = {
        admit: () => {
          remove();
          resolve();
        },
        shed: () => {
          remove();
          this.shed++;
          reject(new HashingBusy());
        },
      };
      const timer = setTimeout(waiter.shed, this.#limits.maxWaitMs);
      queue.push(waiter);
    });
  }

  #refuse(): Promise<never> {
    this.shed++;
    return Promise.reject(new HashingBusy());
  }

  #leave(): void {
    const next = this.#waiting.normal[0] ?? this.#waiting.suspect[0];
    // The slot passes straight to the next waiter: `running` stays the same.
    if (next) next.admit();
    else this.#running--;
  }
}
