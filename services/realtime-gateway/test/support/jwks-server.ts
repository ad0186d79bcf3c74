import type { Principal, SigningKey } from '@rideline/auth';
import { TestIssuer as Issuer } from '@rideline/auth/testing';
import type { Clock } from '@rideline/service-kit';

/** booking-service's JWKS endpoint and token mint (`@rideline/auth/testing`), in the gateway tests' shorthand. */
export interface TestIssuer {
  readonly url: string;
  readonly key: SigningKey;
  /**
   * `now` (ms) is when the token is issued: default the issuer's clock. `sessionId` becomes the
   * `sid` claim (the login session, which a logout revokes).
   */
  token(principal: Principal, ttlSeconds?: number, now?: number, sessionId?: string): string;
  /** While false the JWKS answers 503 (booking-service down). */
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

/** `clock`: the gateway's, when a test drives time, so that tokens are issued at its `now`. */
export async function startTestIssuer(options: { available?: boolean; port?: number; clock?: Clock } = {}): Promise<TestIssuer> {
  const issuer = new Issuer(options.clock === undefined ? {} : { clock: options.clock });
  issuer.available = options.available ?? true;
  await issuer.start(options.port);
  return {
    url: issuer.url,
    key: issuer.key,
    token: (principal, ttlSeconds = 300, now, sessionId) =>
      issuer.token(principal, { ttlSeconds, ...(now === undefined ? {} : { now }), ...(sessionId === undefined ? {} : { sessionId }) }),
    setAvailable: (value) => (issuer.available = value),
    close: () => issuer.stop(),
  };
}
