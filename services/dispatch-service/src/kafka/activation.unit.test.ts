import { describe, expect, it } from 'vitest';
import { Activation } from './activation.ts';
import { Ownership, type OwnedTopic } from './ownership.ts';

/** Records what activation switched on, in order. */
function setUp() {
  const calls: string[] = [];
  let caughtUp = false;
  const ownership = new Ownership();
  const activation = new Activation({
    caughtUp: () => caughtUp,
    ownership,
    dispatcher: {
      activate: () => calls.push('dispatcher on'),
      reviewPartitions: (partitions) => calls.push(`review bookingEvents ${[...partitions].join(',')}`),
    },
    republisher: { review: () => calls.push('republisher review') },
  });
  const assign = (bookingPartitions: number[]) =>
    ownership.assign(
      new Map<OwnedTopic, ReadonlySet<number>>([
        ['bookingEvents', new Set(bookingPartitions)],
        ['driverLocations', new Set([9])],
      ]),
    );
  return { calls, activation, ownership, assign, catchUp: () => (caughtUp = true) };
}

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('Activation', () => {
  it('does nothing with an assignment but half the state', async () => {
    const { calls, activation, assign } = setUp();
    assign([0, 1]);
    expect(activation.check()).toBe(false);
    expect(calls).toEqual([]);
    expect(await settled(activation.whenActive())).toBe(false);
  });

  it('does nothing with the whole state but no assignment (or while the group rebalances)', async () => {
    const { calls, activation, ownership, assign, catchUp } = setUp();
    catchUp();
    expect(activation.check()).toBe(false);
    assign([0]);
    ownership.revoke();
    expect(activation.check()).toBe(false);
    expect(calls).toEqual([]);
    expect(await settled(activation.whenActive())).toBe(false);
  });

  it('with both, switches the dispatcher and the republisher on and reviews the owned booking partitions, whichever came last', async () => {
    for (const order of ['assignment last', 'replay last'] as const) {
      const { calls, activation, assign, catchUp } = setUp();
      if (order === 'assignment last') catchUp();
      else assign([0, 2]);
      expect(activation.check()).toBe(false);
      if (order === 'assignment last') assign([0, 2]);
      else catchUp();
      expect(activation.check()).toBe(true);
      expect(calls).toEqual(['dispatcher on', 'review bookingEvents 0,2', 'republisher review']);
      expect(await settled(activation.whenActive())).toBe(true);
    }
  });

  it('reviews each new assignment whole', () => {
    const { calls, activation, assign, catchUp } = setUp();
    catchUp();
    assign([0]);
    activation.check();
    assign([0, 3]);
    activation.check();
    expect(calls.filter((c) => c.startsWith('review'))).toEqual(['review bookingEvents 0', 'review bookingEvents 0,3']);
  });
});
