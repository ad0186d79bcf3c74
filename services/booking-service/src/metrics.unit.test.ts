import { metricSum } from '@rideline/test-support';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { bookingMetrics } from './metrics.ts';

describe('the outbox gauges', () => {
  it('read the backlog with one query per scrape', async () => {
    const registry = new Registry();
    let queries = 0;
    bookingMetrics(registry, {
      outboxBacklog: async () => {
        queries += 1;
        return { rows: 7, oldestAgeSeconds: 12.5 };
      },
    });
    const text = await registry.metrics();
    expect(queries).toBe(1);
    expect(metricSum(text, 'rideline_outbox_backlog_rows')).toBe(7);
    expect(metricSum(text, 'rideline_outbox_oldest_row_age_seconds')).toBe(12.5);
    await registry.metrics();
    expect(queries).toBe(2);
  });

  it('say NaN (unknown), and fail nothing else, when the database does not answer', async () => {
    const registry = new Registry();
    const metrics = bookingMetrics(registry, { outboxBacklog: () => Promise.reject(new Error('connection refused')) });
    metrics.offerChecked('known');
    const text = await registry.metrics();
    // prom-client writes `Nan`; Prometheus parses NaN in any case.
    expect(text).toMatch(/^rideline_outbox_backlog_rows nan$/im);
    expect(text).toMatch(/^rideline_outbox_oldest_row_age_seconds nan$/im);
    expect(metricSum(text, 'rideline_booking_offer_checks_total', { outcome: 'known' })).toBe(1);
  });
});

describe('the outbox waits', () => {
  it('observe a published batch once by its oldest row, and every row on its own', async () => {
    const registry = new Registry();
    const metrics = bookingMetrics(registry, { outboxBacklog: async () => ({ rows: 0, oldestAgeSeconds: 0 }) });
    const now = Date.now();
    metrics.outboxPublished([new Date(now - 20_000), new Date(now - 1_000), new Date(now)]);
    const text = await registry.metrics();
    expect(metricSum(text, 'rideline_outbox_wait_seconds_count')).toBe(1);
    expect(metricSum(text, 'rideline_outbox_wait_seconds_bucket', { le: '5' })).toBe(0);
    expect(metricSum(text, 'rideline_outbox_row_wait_seconds_count')).toBe(3);
    // The newest row waited under 1 s; the other two did not.
    expect(metricSum(text, 'rideline_outbox_row_wait_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(metricSum(text, 'rideline_outbox_row_wait_seconds_bucket', { le: '5' })).toBe(2);
  });
});
