import { systemClock, type Clock, type TimerHandle } from '@rideline/service-kit';
import type { KeySource } from './key-source.ts';
import { publicKeysOf } from './key-source.ts';

export interface JwksKeysOptions {
  /** booking-service's `/.well-known/jwks.json`. */
  readonly url: string;
  readonly logger: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    debug(obj: object, msg?: string): void;
  };
  /** Re-fetch at least this often once loaded, to pick up a new key before its first token arrives. */
  readonly refreshIntervalMs?: number;
  /** A token with an unknown `kid` triggers a fetch, at most this often (so garbage cannot flood booking-service). */
  readonly minFetchGapMs?: number;
  readonly fetchTimeoutMs?: number;
  /** First wait between failed first loads; it doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly clock?: Clock;
}

/**
 * booking-service's public keys, for the services that verify tokens but cannot mint them.
 * `start` loads them in the background, retrying with back-off until booking-service answers:
 * `pnpm start` starts every service at once, so no service may need booking-service up first
 * (readiness says `auth` is down meanwhile). Once loaded they are re-fetched periodically, and
 * when a token names a key not yet known (a rotation), with a floor on how often.
 */
export class JwksKeys implements KeySource {
  readonly #options: Required<Omit<JwksKeysOptions, 'clock'>>;
  readonly #clock: Clock;
  #pems: ReadonlyMap<string, string> | null = null;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | null = null;
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(options: JwksKeysOptions) {
    this.#options = {
      refreshIntervalMs: 300_000,
      minFetchGapMs: 5_000,
      fetchTimeoutMs: 3_000,
      retryMs: 250,
      maxRetryMs: 5_000,
      ...options,
    };
    this.#clock = options.clock ?? systemClock;
  }

  get loaded(): boolean {
    return this.#pems !== null;
  }

  /** Readiness check: up once the keys are loaded. */
  readonly ready = async (): Promise<void> => {
    if (!this.loaded) throw new Error(`signing keys not loaded yet from ${this.#options.url}`);
  };

  /** Starts loading in the background; never throws (attempts repeat until one succeeds or `stop`). */
  start(): void {
    void this.#attempt(1, this.#options.retryMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Fetches the JWKS now (concurrent callers share one fetch). */
  refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async keyFor(kid: string): Promise<string | undefined> {
    if (!this.#pems) await this.refresh().catch(() => {});
    const known = this.#pems?.get(kid);
    if (known !== undefined || !this.#pems || this.#clock.now() - this.#lastFetchAt < this.#options.minFetchGapMs) return known;
    await this.refresh().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'JWKS refresh failed'));
    return this.#pems.get(kid);
  }

  async #attempt(attempt: number, wait: number): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.refresh();
      if (this.#stopped) return;
      this.#options.logger.info({ attempt }, 'loaded the signing keys');
      this.#schedule(this.#options.refreshIntervalMs, () => void this.#keepFresh());
    } catch (error) {
      if (this.#stopped) return;
      const entry = { url: this.#options.url, attempt, reason: error instanceof Error ? error.message : String(error) };
      if (attempt === 1 || attempt % 20 === 0) this.#options.logger.warn(entry, 'signing keys not available yet; retrying');
      else this.#options.logger.debug(entry, 'signing keys not available yet; retrying');
      this.#schedule(wait, () => void this.#attempt(attempt + 1, Math.min(wait * 2, this.#options.maxRetryMs)));
    }
  }

  async #keepFresh(): Promise<void> {
    // A failed refresh keeps the keys already loaded: booking-service restarting is no reason to refuse tokens.
    await this.refresh().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'JWKS refresh failed'));
    if (!this.#stopped) this.#schedule(this.#options.refreshIntervalMs, () => void this.#keepFresh());
  }

  #schedule(ms: number, callback: () => void): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      callback();
    }, ms);
  }

  async #fetch(): Promise<void> {
    this.#lastFetchAt = this.#clock.now();
    const { url, fetchTimeoutMs } = this.#options;
    const response = await fetch(url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
    if (!response.ok) throw new Error(`JWKS at ${url} answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error(`JWKS at ${url} has no keys array`);
    this.#pems = publicKeysOf({ keys: body.keys });
  }
}
