/**
 * Which waiters go first: `known` (a login from an address this account logged in from
 * recently), then `returning` (an account that logged in recently from elsewhere: its owner on a
 * new network), then `normal` (an account and an address with no recent failures, or a
 * registration), then `suspect` (an account or address that failed recently). A password
 * guesser's attempts are suspect from its second try on an account, and never from a known
 * address, so they queue behind the rider who types the right password; they still get the
 * slots nobody else wants, except the last one. A credential-stuffing flood (one try per
 * account, each from a new address) is `normal` but for the accounts in use lately, and those
 * turn suspect after their one wrong try, so a returning rider on a new address passes it.
 */
export type HashingLane = 'known' | 'returning' | 'normal' | 'suspect';

const LANES: readonly HashingLane[] = ['known', 'returning', 'normal', 'suspect'];

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
  readonly lane: HashingLane;
  readonly admit: () => void;
  readonly shed: () => void;
}

/**
 * Bounds the CPU spent on password hashing (scrypt, ~0.3 s of a core each). Without a bound
 * every login in flight hashes at once and all of them, a real user's included, take as long
 * as the whole flood (24 concurrent wrong logins: 8.6 s). With it, at most `concurrency`
 * hashes run, at most `queueLength` requests wait, none waits longer than `maxWaitMs`, and the
 * rest are refused at once, cheaply. Lanes keep a flood from starving real logins: suspect
 * attempts never hold the last slot (with more than one), so a known or normal login finds
 * one free while guesses run, and a full queue makes room for a better lane's arrival by
 * shedding the newest waiter of a worse lane.
 */
export class HashingGate {
  readonly #limits: HashingGateLimits;
  #running = 0;
  #runningSuspect = 0;
  readonly #waiting: Record<HashingLane, Waiter[]> = { known: [], returning: [], normal: [], suspect: [] };
  /** Requests refused since start, for the metrics. */
  shed = 0;

  constructor(limits: HashingGateLimits) {
    this.#limits = limits;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return LANES.reduce((sum, lane) => sum + this.#waiting[lane].length, 0);
  }

  /** Runs `task` in a slot; rejects with HashingBusy when no slot comes within the bounds. */
  async run<T>(lane: HashingLane, task: () => Promise<T>): Promise<T> {
    await this.#enter(lane);
    try {
      return await task();
    } finally {
      this.#leave(lane);
    }
  }

  /** Whether a `lane` request may take a free slot now. */
  #mayStart(lane: HashingLane): boolean {
    if (this.#running >= this.#limits.concurrency) return false;
    const suspectLimit = Math.max(1, this.#limits.concurrency - 1);
    return lane !== 'suspect' || this.#runningSuspect < suspectLimit;
  }

  #start(lane: HashingLane): void {
    this.#running++;
    if (lane === 'suspect') this.#runningSuspect++;
  }

  #enter(lane: HashingLane): Promise<void> {
    const better = LANES.slice(0, LANES.indexOf(lane) + 1);
    if (this.#mayStart(lane) && better.every((other) => this.#waiting[other].length === 0)) {
      this.#start(lane);
      return Promise.resolve();
    }
    if (this.queued >= this.#limits.queueLength) {
      const worse = LANES.slice(LANES.indexOf(lane) + 1).reverse();
      const evicted = worse.map((other) => this.#waiting[other].at(-1)).find((waiter) => waiter !== undefined);
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
        lane,
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

  #leave(lane: HashingLane): void {
    this.#running--;
    if (lane === 'suspect') this.#runningSuspect--;
    // Best lane first; a suspect waiter only while it would not take the last slot.
    for (const candidate of LANES) {
      const next = this.#waiting[candidate][0];
      if (next && this.#mayStart(candidate)) {
        this.#start(candidate);
        next.admit();
        return;
      }
    }
  }
}
