import { accessTokenKeys, verifyAccessToken, type AccessTokenKeys, type AccessTokenVerification } from './access-token.ts';

export interface JwksClientOptions {
  /** booking-service's `/.well-known/jwks.json`. */
  readonly url: string;
  /** Re-fetch at least this often, to pick up a new key before its first token arrives. */
  readonly refreshIntervalMs?: number;
  /** A token with an unknown `kid` triggers a fetch, at most this often (so garbage cannot flood booking-service). */
  readonly minFetchGapMs?: number;
  readonly fetchTimeoutMs?: number;
  readonly logger?: { warn(obj: object, msg?: string): void };
}

/**
 * The public keys of booking-service, for services that verify access tokens but cannot mint
 * them: fetched from its JWKS, cached, re-fetched periodically and when a token names a key
 * not yet known (a rotation), with a floor on how often.
 */
export class JwksClient {
  readonly #options: Required<Omit<JwksClientOptions, 'logger'>> & Pick<JwksClientOptions, 'logger'>;
  #keys: AccessTokenKeys | null = null;
  #lastFetchAt = 0;
  #inflight: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: JwksClientOptions) {
    this.#options = { refreshIntervalMs: 300_000, minFetchGapMs: 5_000, fetchTimeoutMs: 3_000, ...options };
  }

  /** Whether keys have been loaded (readiness). */
  get loaded(): boolean {
    return this.#keys !== null;
  }

  /** Loads the keys (throws if booking-service does not answer) and keeps them fresh. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(() => {}), this.#options.refreshIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Fetches the JWKS now (concurrent callers share one fetch). */
  refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async verify(token: string, now: number = Date.now()): Promise<AccessTokenVerification> {
    if (!this.#keys) await this.refresh().catch(() => {});
    if (!this.#keys) return { ok: false, reason: 'signing keys not loaded' };
    const result = verifyAccessToken(token, this.#keys, now);
    if (result.ok || result.reason !== 'unknown key' || Date.now() - this.#lastFetchAt < this.#options.minFetchGapMs) {
      return result;
    }
    await this.refresh().catch((error: unknown) => this.#options.logger?.warn({ err: error }, 'JWKS refresh failed'));
    return verifyAccessToken(token, this.#keys, now);
  }

  async #fetch(): Promise<void> {
    this.#lastFetchAt = Date.now();
    const response = await fetch(this.#options.url, { signal: AbortSignal.timeout(this.#options.fetchTimeoutMs) });
    if (!response.ok) throw new Error(`JWKS at ${this.#options.url} answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error(`JWKS at ${this.#options.url} has no keys array`);
    this.#keys = accessTokenKeys({ keys: body.keys });
  }
}
