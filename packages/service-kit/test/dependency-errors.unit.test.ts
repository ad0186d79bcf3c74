import { describe, expect, it } from 'vitest';
import { isDependencyDown } from '../src/dependency-errors.ts';

describe('isDependencyDown', () => {
  it('knows unreachable dependencies by code, anywhere down the cause chain', () => {
    expect(isDependencyDown(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyDown(new Error('query failed', { cause: { code: '57P01' } }))).toBe(true);
    expect(isDependencyDown({ code: 'P2024', message: 'Timed out fetching a new connection from the connection pool.' })).toBe(true);
  });

  it('counts a transaction that could not start because the pool stayed busy (Prisma P2028)', () => {
    const error = { code: 'P2028', message: 'Transaction API error: Unable to start a transaction in the given time.' };
    expect(isDependencyDown(error)).toBe(true);
  });

  it('leaves other failures to be 500s: a transaction past its own timeout, a constraint, a bug', () => {
    expect(
      isDependencyDown({ code: 'P2028', message: 'Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction.' }),
    ).toBe(false);
    expect(isDependencyDown({ code: '23505', message: 'duplicate key value violates unique constraint' })).toBe(false);
    expect(isDependencyDown(new TypeError('x is undefined'))).toBe(false);
  });
});
