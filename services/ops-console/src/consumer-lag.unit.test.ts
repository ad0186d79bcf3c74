import { describe, expect, it } from 'vitest';
import { totalLag } from './consumer-lag.ts';

describe('totalLag', () => {
  it('sums every kafka_consumer_lag sample and nothing else', () => {
    const exposition = [
      '# HELP kafka_consumer_lag Records not yet consumed',
      '# TYPE kafka_consumer_lag gauge',
      'kafka_consumer_lag{group="g",topic="booking.events",partition="0"} 3',
      'kafka_consumer_lag{group="g",topic="booking.events",partition="1"} 4',
      'kafka_consumer_lag_seconds 99',
      'process_cpu_seconds_total 12',
    ].join('\n');
    expect(totalLag(exposition)).toBe(7);
    expect(totalLag('')).toBe(0);
  });
});
