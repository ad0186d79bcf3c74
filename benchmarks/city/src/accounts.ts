import { randomUUID } from 'node:crypto';
import { generateSigningKey, signAccessToken, type PrincipalKind } from '@rideline/auth';
import type { Account } from '@rideline/e2e/client';

/** The longest lifetime booking-service accepts (ACCESS_TOKEN_TTL_SECONDS): no socket expires mid-run. */
const TOKEN_TTL_SECONDS = 86_400;

/**
 * Accounts without registration. Registering 10,000 drivers costs about 50 minutes of scrypt on
 * this machine; instead the services are given a signing key the bench made (JWT_PRIVATE_KEY, as
 * in production), and the bench signs access tokens with it for random ids, exactly as
 * booking-service would after a login. Nothing else needs the accounts to exist: booking-service
 * keeps bookings by user and driver id without looking either up (checked at 24a417b; if a later
 * version looks the driver up, accepts answer 403/404 and the bench reports them as refusals).
 */
export class AccountMint {
  readonly #key = generateSigningKey();

  /** The settings the services need to accept these tokens. */
  get serviceSettings(): Record<string, string> {
    return { JWT_PRIVATE_KEY: this.#key.privateKeyPem, ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS) };
  }

  mint(kind: PrincipalKind, count: number): Account[] {
    return Array.from({ length: count }, () => {
      const id = randomUUID();
      return { id, token: signAccessToken(this.#key, { kind, id }, { ttlSeconds: TOKEN_TTL_SECONDS }) };
    });
  }
}
