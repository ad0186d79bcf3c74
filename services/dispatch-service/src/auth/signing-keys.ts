import { JwksClient, type AccessTokenVerification } from '@rideline/auth';
import type { Logger } from '@rideline/kafka';

export interface SigningKeysOptions {
  /** booking-service's `/.well-known/jwks.json`. */
  readonly url: string;
  readonly logger: Logger;
  /** First wait between attempts; it doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

/** What the HTTP layer needs to check access tokens. */
export interface TokenVerifier {
  readonly loaded: boolean;
  verify(token: string): Promise<AccessTokenVerification>;
}

/**
 * booking-service's public keys, loaded in the background: dispatch starts (and serves health)
 * while booking-service is still coming up, which is what `pnpm start` does; readiness reports
 * `auth` down until the keys are in. Once loaded, JwksClient keeps them fresh.
 */
export class SigningKeys implements TokenVerifier {
  readonly #client: JwksClient;
  readonly #options: SigningKeysOptions;
  #stopped = false;
  #wake: (() => void) | null = null;

  constructor(options: SigningKeysOptions) {
    this.#options = options;
    this.#client = new JwksClient({ url: options.url, logger: options.logger });
  }

  get loaded(): boolean {
    return this.#client.loaded;
  }

  verify(token: string): Promise<AccessTokenVerification> {
    return this.#client.verify(token);
  }

  /** Readiness check: up once the keys are loaded. */
  readonly ready = async (): Promise<void> => {
    if (!this.#client.loaded) throw new Error(`signing keys not loaded yet from AUTH_JWKS_URL=${this.#options.url}`);
  };

  /** Starts loading; never throws (attempts repeat until one succeeds or `stop`). */
  start(): void {
    void this.#load();
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
    this.#client.stop();
  }

  async #load(): Promise<void> {
    let wait = this.#options.retryMs ?? 250;
    for (let attempt = 1; !this.#stopped; attempt++) {
      try {
        await this.#client.start();
        if (this.#stopped) this.#client.stop();
        else this.#options.logger.info({ attempt }, 'loaded the signing keys');
        return;
      } catch (error) {
        const entry = { url: this.#options.url, attempt, reason: error instanceof Error ? error.message : String(error) };
        if (attempt === 1 || attempt % 20 === 0) this.#options.logger.warn(entry, 'signing keys not available yet; retrying');
        else this.#options.logger.debug(entry, 'signing keys not available yet; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        timer.unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wait = Math.min(wait * 2, this.#options.maxRetryMs ?? 5_000);
    }
  }
}
