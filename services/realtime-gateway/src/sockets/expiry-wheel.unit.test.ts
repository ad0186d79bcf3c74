import { ManualClock } from '@rideline/service-kit';
import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.ts';
import { ExpiryWheel } from './expiry-wheel.ts';

const START = Date.UTC(2026, 10, 26, 12, 0, 0);
/** Only what the wheel reads and writes of a connection. */
const connection = (name: string, expiresAt: number) => ({ name, expiresAt }) as unknown as Connection & { name: string };

describe('ExpiryWheel', () => {
  it('expires each connection at its exp by the clock, one timer for all, and follows a refresh', () => {
    const clock = new ManualClock(START);
    const expired: string[] = [];
    const wheel = new ExpiryWheel(clock, (c) => expired.push((c as Connection & { name: string }).name));
    const seconds = START / 1000;
    const a = connection('a', seconds + 2);
    const b = connection('b', seconds + 2);
    const c = connection('c', seconds + 5);
    wheel.add(c);
    wheel.add(a);
    wheel.add(b);
    expect(clock.pending).toBe(1);
    clock.advance(1_999);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual(['a', 'b']);
    wheel.reschedule(c, seconds + 60);
    clock.advance(10_000);
    expect(expired).toEqual(['a', 'b']);
    clock.advance(48_000);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(clock.pending).toBe(0);
  });

  it('forgets a deleted connection, and stops', () => {
    const clock = new ManualClock(START);
    const expired: unknown[] = [];
    const wheel = new ExpiryWheel(clock, (c) => expired.push(c));
    const a = connection('a', START / 1000 + 1);
    wheel.add(a);
    wheel.delete(a);
    clock.advance(2_000);
    expect(expired).toEqual([]);
    wheel.add(connection('b', START / 1000 + 3));
    wheel.stop();
    clock.advance(5_000);
    expect(expired).toEqual([]);
  });
});
