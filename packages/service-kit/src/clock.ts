/**
 * Time and timers, injected wherever time decides something (token expiry, socket heartbeats,
 * rate budgets, back-off), so tests move a `ManualClock` instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once `ms` have passed on this clock. The timer never keeps the process alive. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque: only the clock that made it can clear it. */
export type TimerHandle = object;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = globalThis.setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout),
};

/** Repeats `callback` every `intervalMs` on `clock`; returns the function that stops it. */
export function every(clock: Clock, intervalMs: number, callback: () => void): () => void {
  let handle: TimerHandle | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    handle = clock.setTimeout(tick, intervalMs);
    callback();
  };
  handle = clock.setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    if (handle !== null) clock.clearTimeout(handle);
  };
}

/**
 * A clock that moves only when told: `advance(ms)` runs, in time order, every timer falling due
 * on the way, each seeing `now()` at its own due time.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 0;
  readonly #timers = new Map<object, { readonly at: number; readonly seq: number; readonly callback: () => void }>();

  constructor(startMs: number = Date.now()) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = {};
    this.#timers.set(handle, { at: this.#now + Math.max(0, ms), seq: this.#nextId++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let due: [object, { at: number; seq: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at > target) continue;
        if (!due || entry[1].at < due[1].at || (entry[1].at === due[1].at && entry[1].seq < due[1].seq)) due = entry;
      }
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
    }
    this.#now = target;
  }
}
