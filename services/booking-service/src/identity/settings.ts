import { createPrivateKey } from 'node:crypto';
import { integer, InvalidSettingError, requiredInProduction, type ConfigOf, type Setting } from '@rideline/config';

/**
 * An Ed25519 private key in PKCS#8 PEM, or nothing (then a key kept in the database is used,
 * see signing-key-store.ts). Literal `\n` sequences are accepted for single-line env files.
 * Errors never echo the value: it is a secret.
 */
function ed25519PrivateKeyPem(envVar: string, description: string): Setting<string | undefined> {
  return {
    envVar,
    description,
    defaultText: '(none: a generated key kept in the database)',
    read(raw) {
      const text = raw?.replaceAll('\\n', '\n').trim();
      if (text === undefined || text === '') return undefined;
      let type: string | undefined;
      try {
        type = createPrivateKey({ key: text, format: 'pem' }).asymmetricKeyType;
      } catch {
        throw new InvalidSettingError('must be a private key in PEM format (PKCS#8)');
      }
      if (type !== 'ed25519') {
        throw new InvalidSettingError(`must be an Ed25519 private key (got a ${type ?? 'unknown'} key)`);
      }
      return text;
    },
  };
}

/** Identity's settings; merge them into the service's settings (e.g. as `identity`). */
export const identitySettings = {
  jwtPrivateKey: requiredInProduction(
    ed25519PrivateKeyPem('JWT_PRIVATE_KEY', 'Ed25519 private key (PKCS#8 PEM) that signs access tokens; required in production'),
  ),
  accessTokenTtlSeconds: integer('ACCESS_TOKEN_TTL_SECONDS', {
    default: 900,
    min: 30,
    max: 86_400,
    description: 'Lifetime of an access token (JWT), in seconds',
  }),
  refreshTokenTtlSeconds: integer('REFRESH_TOKEN_TTL_SECONDS', {
    default: 2_592_000,
    min: 60,
    max: 31_536_000,
    description: 'Lifetime of a refresh token, in seconds (each refresh issues a new one)',
  }),
  loginThrottle: {
    accountFreeFailures: integer('LOGIN_ACCOUNT_FREE_FAILURES', {
      default: 5,
      min: 1,
      max: 1_000_000,
      description: 'Failed logins of one account (rider or driver email) before it is locked out',
    }),
    addressFreeFailures: integer('LOGIN_ADDRESS_FREE_FAILURES', {
      default: 50,
      min: 1,
      max: 1_000_000,
      description: 'Failed logins from one client address (IPv6: its /64), over all accounts, before it is locked out',
    }),
    lockoutBaseSeconds: integer('LOGIN_LOCKOUT_BASE_SECONDS', {
      default: 2,
      min: 1,
      max: 86_400,
      description: 'First lockout; each further failure doubles it',
    }),
    lockoutMaxSeconds: integer('LOGIN_LOCKOUT_MAX_SECONDS', {
      default: 900,
      min: 1,
      max: 86_400,
      description: 'Longest lockout',
    }),
    failureMemorySeconds: integer('LOGIN_FAILURE_MEMORY_SECONDS', {
      default: 3_600,
      min: 1,
      max: 2_592_000,
      description: "Failures are forgotten this long after the last one (a success forgets an account's at once)",
    }),
    knownAddressDays: integer('LOGIN_KNOWN_ADDRESS_DAYS', {
      default: 30,
      min: 1,
      max: 3_650,
      description:
        "A successful login makes its address known to the account for this long: its logins go first when hashing is saturated, and the account's logins from other addresses next",
    }),
    trustProxyHops: integer('TRUST_PROXY_HOPS', {
      default: 0,
      min: 0,
      max: 10,
      description:
        'Proxies in front of the service that append to X-Forwarded-For: 0 = the client is the socket address, ' +
        'n = the n-th address from the right of X-Forwarded-For',
    }),
  },
  passwordHashing: {
    concurrency: integer('PASSWORD_HASH_CONCURRENCY', {
      default: 2,
      min: 1,
      max: 1_024,
      description: 'Most password hashes (scrypt, ~0.3 s of one core each) computed at once by an instance',
    }),
    queueLength: integer('PASSWORD_HASH_QUEUE', {
      default: 256,
      min: 0,
      max: 100_000,
      description: 'Most logins and registrations waiting for a hashing slot; beyond it they are refused with 503',
    }),
    maxWaitMs: integer('PASSWORD_HASH_MAX_WAIT_MS', {
      default: 30_000,
      min: 1,
      max: 60_000,
      description:
        'Longest wait for a hashing slot before the request is refused with 503 (generous: a burst of registrations waits; ' +
        'a real login does not wait behind guesses, see hashing-gate.ts)',
    }),
  },
};

export type IdentityConfig = ConfigOf<typeof identitySettings>;
