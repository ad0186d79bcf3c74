import { describe, expect, it } from 'vitest';
import { distribution, median, medianDistribution, percentile, percentileOf } from '../src/index.ts';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('is the smallest sample with at least p% of the samples at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('is always a measured sample, the first at p = 0, and NaN without samples', () => {
    expect(percentile([3, 7], 0)).toBe(3);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('reads typed arrays as well', () => {
    expect(percentile(Float64Array.from(oneToHundred), 90)).toBe(90);
  });

  it('sorts a copy when the samples are in any order', () => {
    const samples = [9, 1, 5, 3, 7];
    expect(percentileOf(samples, 50)).toBe(5);
    expect(samples).toEqual([9, 1, 5, 3, 7]);
  });
});

describe('distribution and medians', () => {
  it('summarises samples in any order', () => {
    expect(distribution([...oneToHundred].reverse())).toEqual({ n: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(distribution([])).toMatchObject({ n: 0, p50: NaN, max: NaN });
  });

  it('takes medians across runs, ignoring runs without a figure', () => {
    expect(median([3, NaN, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const run = (p50: number) => ({ n: 10, p50, p90: p50 * 2, p99: p50 * 3, max: p50 * 4 });
    expect(medianDistribution([run(1), run(3), run(2)])).toEqual(run(2));
  });
});
