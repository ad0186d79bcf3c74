import { describe, expect, it } from 'vitest';
import { backoffDelay, CLOSE_POLICY, closeRule, DEFAULT_BACKOFF, refreshDueAt, tokenExpiresAt } from '../src/socket/index.ts';
import { unsignedToken } from './support/unsigned-token.ts';

const almostOne = () => 0.999_999_9;

describe('backoffDelay: exponential, full jitter', () => {
  const settings = { baseMs: 500, capMs: 30_000 };

  it('the ceiling doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 7, 20].map((attempt) => backoffDelay(attempt, settings, almostOne))).toEqual([
      499, 999, 1_999, 3_999, 15_999, 29_999, 29_999, 29_999,
    ]);
  });

  it('the delay is uniform from zero (full jitter), never the ceiling itself', () => {
    expect(backoffDelay(4, settings, () => 0)).toBe(0);
    expect(backoffDelay(4, settings, () => 0.5)).toBe(4_000);
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelay(i % 12, settings);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 500 * 2 ** (i % 12)));
    }
  });

  it('stays finite for any attempt count', () => {
    expect(backoffDelay(1e9, DEFAULT_BACKOFF, almostOne)).toBe(DEFAULT_BACKOFF.capMs - 1);
  });
});

describe('the close policy', () => {
  it('is the documented table', () => {
    expect(CLOSE_POLICY).toEqual({
      4001: { action: 'reauthenticate' },
      4008: { action: 'reconnect' },
      4029: { action: 'stop', reason: 'replaced' },
      1001: { action: 'reconnect' },
      1006: { action: 'reconnect' },
      1008: { action: 'stop', reason: 'rate_limited' },
      1009: { action: 'stop', reason: 'frame_too_large' },
    });
  });

  it('reconnects on a code the contract does not name', () => {
    expect(closeRule(1000)).toEqual({ action: 'reconnect' });
    expect(closeRule(1011)).toEqual({ action: 'reconnect' });
    expect(closeRule(4999)).toEqual({ action: 'reconnect' });
  });
});

describe('tokenExpiresAt', () => {
  it('reads exp (seconds) as milliseconds, whatever else the payload holds', () => {
    expect(tokenExpiresAt(unsignedToken({ sub: 'u', kind: 'user', exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    // Multi-byte UTF-8 and every base64url padding length.
    for (const name of ['é', 'éé', 'ééé', 'Zoë 🚕']) expect(tokenExpiresAt(unsignedToken({ name, exp: 42 }))).toBe(42_000);
  });

  it('null when there is no readable exp', () => {
    expect(tokenExpiresAt(unsignedToken({ sub: 'u' }))).toBeNull();
    expect(tokenExpiresAt(unsignedToken({ exp: '1800000000' }))).toBeNull();
    expect(tokenExpiresAt('not a token')).toBeNull();
    expect(tokenExpiresAt('a.!!!.c')).toBeNull();
    expect(tokenExpiresAt(`a.${Buffer.from('not json').toString('base64url')}.c`)).toBeNull();
    expect(tokenExpiresAt(`a.${Buffer.from('[1]').toString('base64url')}.c`)).toBeNull();
  });
});

describe('refreshDueAt', () => {
  it('aheadMs before exp for a long-lived token', () => {
    expect(refreshDueAt(900_000, 0, 60_000)).toBe(840_000);
  });

  it('halfway through the remaining life for a token shorter than aheadMs', () => {
    expect(refreshDueAt(4_000, 0, 60_000)).toBe(2_000);
    expect(refreshDueAt(10_000, 6_000, 60_000)).toBe(8_000);
  });
});
