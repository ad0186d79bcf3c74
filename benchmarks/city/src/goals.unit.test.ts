import { describe, expect, it } from 'vitest';
import { cpuMsPer, largestSteadyRate, missedGoals, nextRateToTry, rideCpuMs } from './goals.ts';

const point = { rate: 20, achievedRate: 20, offerP99Ms: 30, acceptToRiderP99Ms: 40, lost: 0, noFreeRider: 0 };

describe('missedGoals', () => {
  it('holds when both p99s are under 50 ms, nothing is lost and the rate is sustained', () => {
    expect(missedGoals(point)).toEqual([]);
  });
  it('names every goal missed', () => {
    expect(missedGoals({ ...point, offerP99Ms: 50, acceptToRiderP99Ms: 80, lost: 1, achievedRate: 18 })).toEqual([
      'offer p99 ≥ 50 ms',
      'accept → rider p99 ≥ 50 ms',
      'rides lost',
      'rate not sustained',
    ]);
  });
  it('does not hold without samples', () => {
    expect(missedGoals({ ...point, offerP99Ms: NaN })).toContain('offer p99 ≥ 50 ms');
  });
  it('does not hold when riders ran out', () => {
    expect(missedGoals({ ...point, noFreeRider: 3 })).toEqual(['rate not sustained']);
  });
});

describe('nextRateToTry', () => {
  it('bisects between the highest held rate and the lowest failed one', () => {
    expect(
      nextRateToTry([
        { rate: 5, held: true },
        { rate: 20, held: true },
        { rate: 50, held: false },
      ]),
    ).toBe(35);
  });
  it('bisects from zero when the lowest rate failed', () => {
    expect(
      nextRateToTry([
        { rate: 5, held: false },
        { rate: 20, held: false },
      ]),
    ).toBe(2.5);
  });
  it('ignores held rates above a failure', () => {
    expect(
      nextRateToTry([
        { rate: 5, held: true },
        { rate: 20, held: false },
        { rate: 50, held: true },
      ]),
    ).toBe(12.5);
  });
  it('stops when all held or the interval is under 1/s', () => {
    expect(nextRateToTry([{ rate: 5, held: true }])).toBeUndefined();
    expect(
      nextRateToTry([
        { rate: 5, held: true },
        { rate: 5.8, held: false },
      ]),
    ).toBeUndefined();
  });
});

describe('largestSteadyRate', () => {
  it('is the largest held rate with every lower one held', () => {
    expect(
      largestSteadyRate([
        { rate: 50, held: true },
        { rate: 5, held: true },
        { rate: 20, held: false },
      ]),
    ).toBe(5);
    expect(largestSteadyRate([{ rate: 5, held: false }])).toBeUndefined();
  });
});

describe('CPU per unit', () => {
  it('turns % of a core over a window into ms per unit', () => {
    expect(cpuMsPer(50, 10, 1000)).toBe(5); // half a core for 10 s = 5,000 ms over 1,000 units
  });
  it('charges rides only what the phase used beyond the same drivers without rides', () => {
    expect(rideCpuMs(80, 30, 10, 500)).toBe(10); // (0.8 - 0.3) × 10 s = 5,000 ms over 500 rides
  });
});
