import { describe, expect, it } from 'vitest';
import { every, ManualClock } from './clock.ts';

describe('ManualClock', () => {
  it('runs the timers that fall due, in time order, each at its own time', () => {
    const clock = new ManualClock(1_000);
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    const never = clock.setTimeout(() => seen.push(['cleared', clock.now()]), 50);
    clock.clearTimeout(never);
    clock.advance(150);
    expect(seen).toEqual([['a', 1_100]]);
    expect(clock.now()).toBe(1_150);
    clock.advance(1_000);
    expect(seen).toEqual([
      ['a', 1_100],
      ['b', 1_200],
    ]);
    expect(clock.pending).toBe(0);
  });

  it('drives every() until it is stopped', () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const stop = every(clock, 10, () => ticks++);
    clock.advance(35);
    expect(ticks).toBe(3);
    stop();
    clock.advance(100);
    expect(ticks).toBe(3);
  });
});
