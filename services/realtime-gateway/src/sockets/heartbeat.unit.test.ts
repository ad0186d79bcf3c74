import { ManualClock } from '@rideline/service-kit';
import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.ts';
import { HEARTBEAT_SLOT_MS, Heartbeat } from './heartbeat.ts';

const START = Date.UTC(2026, 10, 30, 12, 0, 0);

/** Only what the heartbeat reads and writes of a connection, and when it was pinged or cut. */
function connection(clock: ManualClock) {
  const pings: number[] = [];
  const fake = {
    alive: true,
    closing: false,
    heartbeatSlot: -1,
    terminatedAt: null as number | null,
    pings,
    socket: {
      ping: () => pings.push(clock.now() - START),
      terminate: () => (fake.terminatedAt = clock.now() - START),
    },
  };
  return fake as typeof fake & Connection;
}

describe('Heartbeat', () => {
  it('pings every socket once per interval, a slot of them per tick rather than all at once', () => {
    const clock = new ManualClock(START);
    const intervalMs = 1_000;
    const heartbeat = new Heartbeat(clock, intervalMs);
    const connections = Array.from({ length: 25 }, () => connection(clock));
    for (const c of connections) heartbeat.add(c);
    const slots = intervalMs / HEARTBEAT_SLOT_MS;

    let pinged = 0;
    for (let tick = 1; tick <= slots; tick++) {
      clock.advance(HEARTBEAT_SLOT_MS);
      const now = connections.reduce((n, c) => n + c.pings.length, 0);
      // 25 sockets over 10 slots: never more than 3 in one turn.
      expect(now - pinged).toBeLessThanOrEqual(Math.ceil(connections.length / slots));
      pinged = now;
      for (const c of connections) c.alive = true; // every peer answers
    }
    expect(connections.every((c) => c.pings.length === 1)).toBe(true);

    clock.advance(intervalMs * 2);
    for (const c of connections) {
      expect(c.pings).toHaveLength(2); // the third ping found no answer to the second: cut instead
      expect(c.pings[1]! - c.pings[0]!).toBe(intervalMs);
    }
    heartbeat.stop();
    expect(clock.pending).toBe(0);
  });

  it('terminates a socket that did not answer its previous ping, one interval later', () => {
    const clock = new ManualClock(START);
    const heartbeat = new Heartbeat(clock, 500);
    const [silent, live] = [connection(clock), connection(clock)];
    heartbeat.add(silent);
    heartbeat.add(live);
    clock.advance(500);
    expect([silent.pings.length, live.pings.length]).toEqual([1, 1]);
    live.alive = true;
    clock.advance(500);
    expect(silent.terminatedAt).toBe(silent.pings[0]! + 500);
    expect(live.terminatedAt).toBeNull();
    expect(live.pings).toHaveLength(2);
    heartbeat.stop();
  });

  it('forgets a socket once it is gone, and skips one that is closing', () => {
    const clock = new ManualClock(START);
    const heartbeat = new Heartbeat(clock, 200);
    const [gone, closing] = [connection(clock), connection(clock)];
    heartbeat.add(gone);
    heartbeat.add(closing);
    heartbeat.delete(gone);
    closing.closing = true;
    clock.advance(1_000);
    expect([gone.pings, closing.pings, gone.terminatedAt, closing.terminatedAt]).toEqual([[], [], null, null]);
    heartbeat.stop();
  });

  it('pings at the interval itself when it is shorter than a slot', () => {
    const clock = new ManualClock(START);
    const heartbeat = new Heartbeat(clock, 60);
    const c = connection(clock);
    heartbeat.add(c);
    clock.advance(60);
    c.alive = true;
    clock.advance(60);
    expect(c.pings).toEqual([60, 120]);
    heartbeat.stop();
  });
});
