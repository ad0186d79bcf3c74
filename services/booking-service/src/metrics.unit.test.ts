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
