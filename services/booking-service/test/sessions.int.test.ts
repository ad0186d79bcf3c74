/**
 * Logout and session revocation, on the whole booking-service (real database, outbox relay and
 * broker): access tokens name their session (`sid`), logout ends it, and every ended session
 * is announced on `identity.revocations` through the transactional outbox.
 */
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { principalKey } from '@rideline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { TopicReader, type ReadRecord } from '@rideline/test-support';

let running: TestBookingSystem;
let reader: TopicReader;

beforeAll(async () => {
  running = await startTestBookingSystem({ ACCESS_TOKEN_TTL_SECONDS: '600' });
  reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.identityRevocations]);
});

afterAll(async () => {
  await reader?.stop();
  await running?.close();
});

const post = (url: string, payload: object) => running.system.app.inject({ method: 'POST', url, payload });

interface Session {
  readonly principalId: string;
  readonly access_token: string;
  readonly refresh_token: string;
}

async function registerRider(): Promise<Session> {
  const response = await post('/auth/users/register', { name: 'Rider', email: `rider-${randomUUID()}@example.com`, password: 'correct horse battery' });
  const body = response.json();
  return { principalId: body.user.id, access_token: body.access_token, refresh_token: body.refresh_token };
}

const sidOf = (accessToken: string) => decodeJwt(accessToken)['sid'] as string;
const revocationsOf = (records: readonly ReadRecord[], sessionId: string) =>
  records.filter((r) => (r.value as { data: { session_id: string } }).data.session_id === sessionId);

describe('sessions', () => {
  it('access tokens carry the session as sid, kept across refreshes; another login is another session', async () => {
    const rider = await registerRider();
    const sid = sidOf(rider.access_token);
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    const refreshed = (await post('/auth/refresh', { refresh_token: rider.refresh_token })).json();
    expect(sidOf(refreshed.access_token)).toBe(sid);
    const row = await running.system.prisma.refreshToken.findFirstOrThrow({ where: { principalId: rider.principalId } });
    expect(row.familyId).toBe(sid);
    const email = (await running.system.prisma.user.findUniqueOrThrow({ where: { id: rider.principalId } })).email;
    const login = (await post('/auth/users/login', { email, password: 'correct horse battery' })).json();
    expect(sidOf(login.access_token)).not.toBe(sid);
  });
});

describe('POST /auth/logout', () => {
  it('answers 204, ends the session (its refresh tokens refused) and publishes SessionRevoked keyed by principal', async () => {
    const rider = await registerRider();
    const refreshed = (await post('/auth/refresh', { refresh_token: rider.refresh_token })).json();
    const sid = sidOf(refreshed.access_token);

    const logout = await post('/auth/logout', { refresh_token: refreshed.refresh_token });
    expect(logout.statusCode).toBe(204);
    expect(logout.body).toBe('');
    const refused = await post('/auth/refresh', { refresh_token: refreshed.refresh_token });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ success: false, message: 'Invalid or expired token.', code: 'UNAUTHORIZED' });

    const [record] = revocationsOf(await reader.waitFor((all) => revocationsOf(all, sid).length > 0), sid);
    expect(record!.key).toBe(principalKey('user', rider.principalId));
    const exp = decodeJwt(refreshed.access_token).exp!;
    expect(record!.value).toEqual({
      event_id: expect.any(String),
      type: 'SessionRevoked',
      version: 1,
      occurred_at: expect.any(String),
      data: {
        principal_kind: 'user',
        principal_id: rider.principalId,
        session_id: sid,
        reason: 'logout',
        revoked_at: expect.any(String),
        tokens_valid_until: expect.any(String),
      },
    });
    // The latest exp any access token of the session has: the last refresh's.
    const validUntil = Date.parse((record!.value as { data: { tokens_valid_until: string } }).data.tokens_valid_until) / 1000;
    expect(validUntil).toBeGreaterThanOrEqual(exp);
    expect(validUntil).toBeLessThanOrEqual(exp + 1);
  });

  it('answers the same 204 for an unknown, an already ended or an earlier (rotated) token, publishing only real revocations', async () => {
    const rider = await registerRider();
    const sid = sidOf(rider.access_token);
    expect((await post('/auth/logout', { refresh_token: 'x'.repeat(43) })).statusCode).toBe(204);
    const next = (await post('/auth/refresh', { refresh_token: rider.refresh_token })).json();
    // The rotated token still names the session: logging out with it ends the session.
    expect((await post('/auth/logout', { refresh_token: rider.refresh_token })).statusCode).toBe(204);
    expect((await post('/auth/refresh', { refresh_token: next.refresh_token })).statusCode).toBe(401);
    expect((await post('/auth/logout', { refresh_token: next.refresh_token })).statusCode).toBe(204);

    await reader.waitFor((all) => revocationsOf(all, sid).length > 0);
    // Give a duplicate time to show up: the second logout must not publish one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(revocationsOf(reader.records, sid)).toHaveLength(1);
    expect(await running.system.prisma.outboxMessage.count()).toBe(0);
  });

  it('racing a refresh of the same token: the session ends either way, no token survives it', async () => {
    for (let round = 0; round < 5; round++) {
      const rider = await registerRider();
      const [refreshed, logout] = await Promise.all([
        post('/auth/refresh', { refresh_token: rider.refresh_token }),
        post('/auth/logout', { refresh_token: rider.refresh_token }),
      ]);
      expect(logout.statusCode).toBe(204);
      if (refreshed.statusCode === 200) {
        expect((await post('/auth/refresh', { refresh_token: refreshed.json().refresh_token })).statusCode).toBe(401);
      }
      const live = await running.system.prisma.refreshToken.count({ where: { principalId: rider.principalId, revokedAt: null } });
      expect(live).toBe(0);
    }
  });

  it('refuses a malformed body with 400', async () => {
    const response = await post('/auth/logout', {});
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
  });
});

describe('refresh-token reuse', () => {
  it('revokes the session and publishes SessionRevoked with reason refresh_token_reuse', async () => {
    const rider = await registerRider();
    const sid = sidOf(rider.access_token);
    await post('/auth/refresh', { refresh_token: rider.refresh_token });
    expect((await post('/auth/refresh', { refresh_token: rider.refresh_token })).statusCode).toBe(401);
    const [record] = revocationsOf(await reader.waitFor((all) => revocationsOf(all, sid).length > 0), sid);
    expect(record!.key).toBe(`user:${rider.principalId}`);
    expect(record!.value).toMatchObject({ type: 'SessionRevoked', data: { session_id: sid, reason: 'refresh_token_reuse' } });
  });
});
