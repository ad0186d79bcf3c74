import { describe, expect, it } from 'vitest';
import { OfferRunWriter } from './offer-run-writer.ts';
import type { DispatchOfferEnvelope, OfferRun } from './offer-store.ts';

const offered = (n: number) => ({ type: 'BookingOffered', data: { booking_id: `booking-${n}`, driver_id: `driver-${n}` } }) as unknown as DispatchOfferEnvelope;
const run = (partition: number, offset: number): OfferRun => ({
  envelopes: [offered(partition)],
  last: { topic: 'dispatch.offers', partition, offset: String(offset) },
});

/** An OfferStore that keeps each statement's runs, and fails the next one when told to. */
function fakeStore() {
  const statements: (readonly OfferRun[])[] = [];
  let failNext: Error | undefined;
  return {
    statements,
    failNextWith: (error: Error) => (failNext = error),
    recordRuns: async (runs: readonly OfferRun[]) => {
      statements.push([...runs]);
      const error = failNext;
      failNext = undefined;
      if (error) throw error;
    },
  };
}

/** As TopicConsumer hands a fetch's runs over: each from a microtask of the same stretch. */
const handOver = (writer: OfferRunWriter, runs: readonly OfferRun[]) => runs.map((r) => Promise.resolve().then(() => writer.write(r)));

describe('OfferRunWriter', () => {
  it('stores the runs of several partitions handed over in the same turn in one statement, in order', async () => {
    const store = fakeStore();
    const writer = new OfferRunWriter(store);
    const runs = [run(0, 10), run(3, 4), run(5, 7)];
    await Promise.all(handOver(writer, runs));
    expect(store.statements).toEqual([runs]);
  });

  it('settles no caller before the statement holding its run has completed', async () => {
    let complete = () => {};
    const writer = new OfferRunWriter({ recordRuns: () => new Promise<void>((resolve) => (complete = resolve)) });
    let settled = 0;
    const writes = handOver(writer, [run(0, 1), run(1, 1)]).map((w) => w.then(() => settled++));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(0);
    complete();
    await Promise.all(writes);
    expect(settled).toBe(2);
  });

  it('tries each run of a failed statement again on its own, so a transient failure stores them all', async () => {
    const store = fakeStore();
    const writer = new OfferRunWriter(store);
    store.failNextWith(new Error('connection reset'));
    await Promise.all(handOver(writer, [run(0, 1), run(1, 2)]));
    expect(store.statements).toEqual([[run(0, 1), run(1, 2)], [run(0, 1)], [run(1, 2)]]);
  });

  it('fails only the run the database refuses, not the partitions it shared the statement with', async () => {
    const refused = run(1, 2);
    const statements: (readonly OfferRun[])[] = [];
    const writer = new OfferRunWriter({
      recordRuns: async (runs) => {
        statements.push([...runs]);
        if (runs.includes(refused)) throw new Error('invalid input syntax for type uuid');
      },
    });
    const settled = await Promise.allSettled(handOver(writer, [run(0, 1), refused, run(2, 3)]));
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([[run(0, 1), refused, run(2, 3)], [run(0, 1)], [refused], [run(2, 3)]]);
  });

  it('fails a lone run with its statement', async () => {
    const store = fakeStore();
    const writer = new OfferRunWriter(store);
    store.failNextWith(new Error('connection reset'));
    await expect(writer.write(run(0, 1))).rejects.toThrow('connection reset');
    expect(store.statements).toEqual([[run(0, 1)]]);
  });

  it('puts a run handed over while a statement is in flight into the next statement', async () => {
    const statements: (readonly OfferRun[])[] = [];
    let complete = () => {};
    const writer = new OfferRunWriter({
      recordRuns: (runs) => {
        statements.push([...runs]);
        return statements.length === 1 ? new Promise<void>((resolve) => (complete = resolve)) : Promise.resolve();
      },
    });
    const first = writer.write(run(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    await writer.write(run(1, 1));
    complete();
    await first;
    expect(statements).toEqual([[run(0, 1)], [run(1, 1)]]);
  });
});
