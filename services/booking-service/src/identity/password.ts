import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, built into Node: no native add-on to install).
 * Stored in a self-describing PHC-style string, so the parameters can be raised later and old
 * hashes still verify: `$scrypt$ln=15,r=8,p=3$<salt, base64>$<hash, base64>`.
 *
 * Defaults follow OWASP's scrypt table (N=2^15, r=8, p=3: 32 MiB, ~0.25 s here). Node runs
 * scrypt on the libuv thread pool, so the event loop is never blocked.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds for parameters read back from a stored hash: a corrupted or hostile row must not
// make one login allocate gigabytes.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

function derive(password: string, salt: Buffer, length: number, { ln, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on two keyboards gives the same bytes (NIST SP 800-63B).
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const within = (value: number, [min, max]: readonly [number, number]) => Number.isInteger(value) && value >= min && value <= max;

export function parsePasswordHash(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (!match) return undefined;
  const [, ln, r, p, salt, hash] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (!within(params.ln, LIMITS.ln) || !within(params.r, LIMITS.r) || !within(params.p, LIMITS.p)) return undefined;
  const parsed = { params, salt: Buffer.from(salt ?? '', 'base64'), hash: Buffer.from(hash ?? '', 'base64') };
  return parsed.salt.length >= SALT_BYTES && parsed.hash.length >= 16 ? parsed : undefined;
}

/** True when `password` matches; compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed.params);
  return timingSafeEqual(candidate, parsed.hash);
}

/** True when a stored hash was made with other parameters than `params` (rehash at login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.params.ln !== params.ln || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no account to verify against, so the
 * answer time does not tell which emails are registered.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummyHash);
  return false;
}
