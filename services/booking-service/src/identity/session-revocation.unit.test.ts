import { decodeMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { sessionRevoked } from './session-revocation.ts';

describe('sessionRevoked', () => {
  const principal = { kind: 'driver', id: '5f0c7e9a-2b1d-4c3e-8f6a-7b8c9d0e1f2a' } as const;
  const session = '0b7c2d1e-3f4a-4b5c-8d6e-7f8091a2b3c4';

  it('is a valid SessionRevoked envelope whose tokens_valid_until is the last issue + the access-token lifetime, rounded up', () => {
    const record = sessionRevoked(principal, session, 'logout', new Date('2026-11-29T10:05:00.000Z'), new Date('2026-11-29T10:00:00.400Z'), 900);
    expect(decodeMessage('identityRevocations', JSON.stringify(record))).toMatchObject({ ok: true });
    expect(record).toMatchObject({
      type: 'SessionRevoked',
      version: 1,
      occurred_at: '2026-11-29T10:05:00.000Z',
      data: {
        principal_kind: 'driver',
        principal_id: principal.id,
        session_id: session,
        reason: 'logout',
        revoked_at: '2026-11-29T10:05:00.000Z',
        tokens_valid_until: '2026-11-29T10:15:01.000Z',
      },
    });
  });
});
