import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) of the secrets that travel in Kafka records, such as
 * the OTP in an `OtpIssued` notice: whoever can read the broker sees only the sealed text.
 * Only booking-service (which seals) and the gateway (which opens, to tell the rider) hold the
 * key. `context` (for the OTP: the booking and user ids) is bound in as associated data, so a
 * sealed value moved to another record does not open.
 *
 * Format: base64url(iv[12] | tag[16] | ciphertext).
 */
export class NoticeSeal {
  readonly #key: Buffer;

  /** `keyMaterial`: the configured notice key (32+ characters); the AES key is derived from it. */
  constructor(keyMaterial: string) {
    if (keyMaterial.length < MIN_NOTICE_KEY_LENGTH) {
      throw new Error(`a notice key needs at least ${MIN_NOTICE_KEY_LENGTH} characters`);
    }
    this.#key = Buffer.from(hkdfSync('sha256', keyMaterial, 'rideline', 'notice-seal/v1', 32));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plaintext, or null when the value was not sealed with this key and context. */
  open(sealed: string, context: string): string | null {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 28) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

export const MIN_NOTICE_KEY_LENGTH = 32;

/**
 * The notice key a development setup uses when OTP_NOTICE_KEY is unset (booking-service and the
 * gateway must agree without a database in common). It is public, so it protects nothing:
 * services log a warning when they use it, `pnpm start` generates a random key instead, and
 * with NODE_ENV=production they refuse to start without a configured key.
 */
export const DEVELOPMENT_NOTICE_KEY = 'rideline-development-notice-key-not-secret';

/** The associated data of an OTP notice: it opens only for this booking and this user. */
export const otpNoticeContext = (bookingId: string, userId: string): string => `otp|${bookingId}|${userId}`;

/**
 * Why a production deployment may not use this notice key, or null: set explicitly to the
 * public development key, OTP_NOTICE_KEY would pass the "required" check and protect nothing.
 */
export function noticeKeyRefusal(key: string | undefined, env: Readonly<Record<string, string | undefined>>): string | null {
  return env['NODE_ENV'] === 'production' && key === DEVELOPMENT_NOTICE_KEY
    ? 'NODE_ENV=production refuses OTP_NOTICE_KEY set to the public development key'
    : null;
}
