import type { AccessTokenVerification } from '@rideline/auth';

/** What the gateway needs of booking-service's keys (a JwksClient). */
export interface TokenVerifier {
  readonly loaded: boolean;
  verify(token: string, now?: number): Promise<AccessTokenVerification>;
}

export interface StartableVerifier extends TokenVerifier {
  start(): Promise<void>;
  stop(): void;
}

export interface KeyLoadingOptions {
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

/**
 * Loads the keys in the background, retrying with backoff until booking-service answers:
 * `pnpm start` starts every service at once, so the gateway must not need booking-service to
 * be up first. Until the keys are there, readiness says `auth` is down and upgrades get 503.
 * Returns a function that stops the retries and the client's periodic refresh.
 */
export function loadKeysInBackground(verifier: StartableVerifier, options: KeyLoadingOptions): () => void {
  const minDelayMs = options.minDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = minDelayMs;
  let warned = false;

  const attempt = async (): Promise<void> => {
    timer = null;
    if (stopped) return;
    try {
      await verifier.start();
      if (stopped) verifier.stop();
      else options.logger.info({}, 'signing keys loaded');
    } catch (error) {
      if (stopped) return;
      if (!warned) {
        // The reason, not the stack: booking-service not listening yet is expected at start-up.
        const reason = error instanceof Error ? error.message : String(error);
        options.logger.warn({ reason }, 'signing keys not loaded yet; retrying in the background');
        warned = true;
      }
      timer = setTimeout(() => void attempt(), delay);
      timer.unref();
      delay = Math.min(maxDelayMs, delay * 2);
    }
  };
  void attempt();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    verifier.stop();
  };
}

export const authReadiness = (verifier: TokenVerifier) => async (): Promise<void> => {
  if (!verifier.loaded) throw new Error('signing keys not loaded');
};
