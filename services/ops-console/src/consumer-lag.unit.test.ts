import { describe, expect, it } from 'vitest';
import { totalLag } from './consumer-lag.ts';

describe('totalLag', () => {
  it('sums every rideline_kafka_consumer_lag_records sample and nothing else', () => {
    const exposition = [
      '# HELP rideline_kafka_consumer_lag_records Records not yet consumed',
      '# TYPE rideline_kafka_consumer_lag_records gauge',
      'rideline_kafka_consumer_lag_records{group="g",topic="booking.events",partition="0"} 3',
      'rideline_kafka_consumer_lag_records{group="g",topic="booking.events",partition="1"} 4',
      'rideline_kafka_consumer_lag_records_total 99',
      'kafka_consumer_lag{group="g",topic="booking.events",partition="2"} 50',
      'process_cpu_seconds_total 12',
    ].join('\n');
    expect(totalLag(exposition)).toBe(7);
    expect(totalLag('')).toBe(0);
  });
});
