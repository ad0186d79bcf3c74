import { createPrivateKey } from 'node:crypto';
import { integer, InvalidSettingError, type ConfigOf, type Setting } from '@rideline/config';

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
  jwtPrivateKey: ed25519PrivateKeyPem(
    'JWT_PRIVATE_KEY',
    'Ed25519 private key (PKCS#8 PEM) that signs access tokens; set it in production',
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
};

export type IdentityConfig = ConfigOf<typeof identitySettings>;
