import type { PrismaClient } from '../db/client.ts';
import type { IdentityConfig } from './settings.ts';
import { generateSigningKey, signingKeyFromPem, staticKeys, type Jwks, type KeySource, type SigningKey } from '@rideline/auth';

/** The key that signs access tokens and the public keys that verify them. */
export interface SigningKeys {
  readonly active: SigningKey;
  /** What `/.well-known/jwks.json` serves: public parts only. */
  readonly jwks: Jwks;
  /** The same keys, for the access-token plugin (`accessTokenAuth`). */
  readonly verification: KeySource;
  /** Where the active key came from. */
  readonly source: 'config' | 'database';
}

function signingKeysOf(active: SigningKey, source: SigningKeys['source']): SigningKeys {
  const jwks: Jwks = { keys: [active.publicJwk] };
  return { active, jwks, verification: staticKeys(jwks), source };
}

/** Anything with `warn(message)`: a pino logger, console, ... */
export interface KeyLogger {
  warn(message: string): void;
}

/**
 * Serialises first starts (any fixed number, unique among this database's advisory locks).
 * An advisory lock rather than LOCK TABLE: pg_catalog's functions resolve whatever schema
 * the `?schema=` parameter selects, and raw SQL table names would not.
 */
const SIGNING_KEYS_LOCK = 0x5249_444b; // "RIDK"

/**
 * Start-up step. With JWT_PRIVATE_KEY set, that key signs. Without it, the key kept in the
 * `signing_keys` table signs (the newest row), and the first start generates and stores one:
 * so every instance signs with the same key and a restart does not log everybody out.
 * Instances that start together agree on a single key (one transaction at a time).
 */
export async function loadSigningKeys(prisma: PrismaClient, config: Pick<IdentityConfig, 'jwtPrivateKey'>, logger?: KeyLogger): Promise<SigningKeys> {
  if (config.jwtPrivateKey !== undefined) return signingKeysOf(signingKeyFromPem(config.jwtPrivateKey), 'config');

  const { key, generated } = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`;
    const newest = await tx.signingKey.findFirst({ orderBy: [{ createdAt: 'desc' }, { kid: 'asc' }] });
    if (newest) {
      const stored = signingKeyFromPem(newest.privateKeyPem);
      if (stored.kid !== newest.kid) throw new Error(`signing_keys row ${newest.kid} does not match its private key`);
      return { key: stored, generated: false };
    }
    const fresh = generateSigningKey();
    await tx.signingKey.create({
      data: { kid: fresh.kid, privateKeyPem: fresh.privateKeyPem, publicJwk: { ...fresh.publicJwk } },
    });
    return { key: fresh, generated: true };
  });
  logger?.warn(
    `JWT_PRIVATE_KEY is not set: access tokens are signed with ${generated ? 'a newly generated' : 'the'} key ` +
      `${key.kid} kept in the database (signing_keys); set JWT_PRIVATE_KEY in production`,
  );
  return signingKeysOf(key, 'database');
}
