import { describe, expect, it } from 'vitest';
import { spend, type RateBudget, type RateLimit } from './rate-budget.ts';

/** A full bucket, as a new connection starts with. */
const fullBudget = (limit: RateLimit, nowMs: number): RateBudget => ({ tokens: limit.burst, refilledAtMs: nowMs });

describe('spend', () => {
  it('lets a burst through at once, then refills at the rate as time passes', () => {
    const limit = { perSecond: 2, burst: 3 };
    const budget = fullBudget(limit, 0);
    expect([spend(budget, limit, 0), spend(budget, limit, 0), spend(budget, limit, 0), spend(budget, limit, 0)]).toEqual([true, true, true, false]);
    expect(spend(budget, limit, 499)).toBe(false);
    expect(spend(budget, limit, 500)).toBe(true);
    // Never more than the burst, however long the pause.
    expect([1, 2, 3, 4].map(() => spend(budget, limit, 60_000))).toEqual([true, true, true, false]);
  });

  it('does not refill when the clock goes back', () => {
    const limit = { perSecond: 10, burst: 1 };
    const budget = fullBudget(limit, 1_000);
    expect(spend(budget, limit, 1_000)).toBe(true);
    expect(spend(budget, limit, 0)).toBe(false);
  });
});
