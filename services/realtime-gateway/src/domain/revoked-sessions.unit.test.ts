import { describe, expect, it } from 'vitest';
import { RevokedSessions } from './revoked-sessions.ts';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('RevokedSessions', () => {
  it('refuses a revoked session until its tokens are valid no longer', () => {
    const revoked = new RevokedSessions();
    expect(revoked.revoke('s1', T0 + 60_000, T0)).toBe(true);
    expect(revoked.isRevoked('s1', T0)).toBe(true);
    expect(revoked.isRevoked('s1', T0 + 59_999)).toBe(true);
    expect(revoked.isRevoked('s1', T0 + 60_000)).toBe(false);
    expect(revoked.isRevoked('s2', T0)).toBe(false);
  });

  it('never refuses a token without a session', () => {
    const revoked = new RevokedSessions();
    revoked.revoke('s1', T0 + 60_000, T0);
    expect(revoked.isRevoked(undefined, T0)).toBe(false);
  });

  it('drops a revocation that is already moot (read back from history at start)', () => {
    const revoked = new RevokedSessions();
    expect(revoked.revoke('old', T0 - 1, T0)).toBe(false);
    expect(revoked.revoke('now', T0, T0)).toBe(false);
    expect(revoked.size).toBe(0);
  });

  it('keeps the later bound when one session is revoked twice', () => {
    const revoked = new RevokedSessions();
    revoked.revoke('s1', T0 + 120_000, T0);
    revoked.revoke('s1', T0 + 60_000, T0);
    expect(revoked.isRevoked('s1', T0 + 90_000)).toBe(true);
  });

  it('evicts what has expired and keeps the rest', () => {
    const revoked = new RevokedSessions();
    revoked.revoke('a', T0 + 10_000, T0);
    revoked.revoke('b', T0 + 20_000, T0);
    expect(revoked.evict(T0 + 10_000)).toBe(1);
    expect(revoked.size).toBe(1);
    expect(revoked.isRevoked('b', T0 + 10_000)).toBe(true);
  });
});
