import { describe, expect, it } from 'vitest';
import { hashRefreshToken, newRefreshToken } from './refresh-tokens.ts';
import { normalizeEmail } from './email.ts';

describe('refresh tokens', () => {
  it('are 256 random bits, base64url, stored as a SHA-256 hex digest', () => {
    const token = newRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(token);
    expect(hashRefreshToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
  });
});

describe('normalizeEmail', () => {
  it('lower-cases and trims', () => {
    expect(normalizeEmail(' Alice@Example.COM ')).toBe('alice@example.com');
  });
});
