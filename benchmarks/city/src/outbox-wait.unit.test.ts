import { describe, expect, it } from 'vitest';
import { parseOutboxWait, waitBetween } from './outbox-wait.ts';

const histogram = (name: string, counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([le, n]) => `${name}_bucket{le="${le}"} ${n}`)
    .join('\n');

describe('commit → Kafka from the outbox histograms', () => {
  it('gives the bucket bound under which 99 % of the phase fell, per event and per batch', () => {
    const before = parseOutboxWait(
      [
        histogram('rideline_outbox_row_wait_seconds', { '0.005': 10, '0.01': 10, '0.025': 10, '+Inf': 10 }),
        histogram('rideline_outbox_wait_seconds', { '0.01': 4, '+Inf': 4 }),
      ].join('\n'),
    );
    // 1,000 rows in the phase: 985 within 5 ms, 995 within 10 ms, all within 25 ms.
    const after = parseOutboxWait(
      [
        histogram('rideline_outbox_row_wait_seconds', { '0.005': 995, '0.01': 1005, '0.025': 1010, '+Inf': 1010 }),
        histogram('rideline_outbox_wait_seconds', { '0.01': 104, '+Inf': 106 }),
      ].join('\n'),
    );
    expect(waitBetween(before, after)).toEqual({ perEvent: { count: 1000, p99AtMostMs: 10 }, perBatch: { count: 102, p99AtMostMs: Number.POSITIVE_INFINITY } });
  });

  it('leaves out a measure the checkout does not have, or that saw nothing', () => {
    const before = parseOutboxWait(histogram('rideline_outbox_wait_seconds', { '0.01': 4, '+Inf': 4 }));
    const after = parseOutboxWait(histogram('rideline_outbox_wait_seconds', { '0.01': 4, '+Inf': 4 }));
    expect(waitBetween(before, after)).toEqual({});
  });
});
