import { describe, expect, it } from 'vitest';
import { RecentEventIds } from '../src/recent-event-ids.ts';

describe('RecentEventIds', () => {
  it('tells a repeated id from a new one', () => {
    const ids = new RecentEventIds(3);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('b')).toBe(true);
    expect(ids.add('a')).toBe(false);
    expect(ids.size).toBe(2);
  });

  it('forgets the oldest id first, once it holds `capacity`', () => {
    const ids = new RecentEventIds(3);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
    expect(ids.size).toBe(3);
    expect(ids.add('b')).toBe(false);
    expect(ids.add('c')).toBe(false);
    expect(ids.add('d')).toBe(false);
    expect(ids.add('a')).toBe(true); // forgotten: seen again as new, and now 'b' is the oldest
    expect(ids.add('b')).toBe(true);
  });

  it('a repeat does not count as an arrival (it does not push an older id out)', () => {
    const ids = new RecentEventIds(2);
    ids.add('a');
    ids.add('b');
    for (let i = 0; i < 5; i++) ids.add('b');
    expect(ids.add('a')).toBe(false);
  });

  it('stays at capacity over many wraps of its ring', () => {
    const ids = new RecentEventIds(1000);
    for (let i = 0; i < 10_500; i++) ids.add(`id-${i}`);
    expect(ids.size).toBe(1000);
    expect(ids.add('id-10499')).toBe(false);
    expect(ids.add('id-9500')).toBe(false);
    expect(ids.add('id-9499')).toBe(true);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentEventIds(0)).toThrow(RangeError);
    expect(() => new RecentEventIds(1.5)).toThrow(RangeError);
  });
});
