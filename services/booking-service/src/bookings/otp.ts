import { createHmac, hkdfSync, randomInt } from 'node:crypto';

/** A 6-digit code from the cryptographic generator, uniformly distributed. */
export const generateOtp = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * The OTP is stored only as a keyed hash (HMAC-SHA-256 under a key derived from the service's
 * OTP secret): a database dump alone does not give the 10^6 candidates away.
 */
export class OtpHasher {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'rideline', 'otp-hash', 32));
  }

  hash(bookingId: string, otp: string): string {
    return createHmac('sha256', this.#key).update(`${bookingId}:${otp}`).digest('base64url');
  }
}
