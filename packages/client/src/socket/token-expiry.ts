/**
 * Reads an access token's `exp` without verifying it: the client only needs to know when to
 * refresh; the gateway verifies. Browser-safe (no Buffer, no atob, which older React Native
 * lacks): base64url is decoded by hand.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlToText(input: string): string | null {
  let bits = 0;
  let buffer = 0;
  let escaped = '';
  for (const char of input) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      escaped += `%${((buffer >> bits) & 0xff).toString(16).padStart(2, '0')}`;
    }
  }
  try {
    // Percent-escapes of the bytes, decoded as UTF-8.
    return decodeURIComponent(escaped);
  } catch {
    return null;
  }
}

/** The token's `exp` in milliseconds since the epoch, or null when it cannot be read. */
export function tokenExpiresAt(token: string): number | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  const text = base64UrlToText(payload);
  if (text === null) return null;
  try {
    const claims: unknown = JSON.parse(text);
    if (typeof claims !== 'object' || claims === null) return null;
    const exp = (claims as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * When to ask for the next token: `aheadMs` before expiry, but never earlier than halfway
 * through the time left, so a token that lives less than `aheadMs` is not refreshed in a loop.
 */
export function refreshDueAt(expiresAt: number, now: number, aheadMs: number): number {
  return Math.max(expiresAt - aheadMs, now + (expiresAt - now) / 2);
}
