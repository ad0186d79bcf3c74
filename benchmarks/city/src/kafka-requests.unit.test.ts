import { describe, expect, it } from 'vitest';
import { parseKafkaRequests, requestsBetween, requestsOf } from './kafka-requests.ts';

const scrape = (produce: number, fetch: number) => `# HELP rideline_kafka_requests_total Requests sent to the Kafka brokers
# TYPE rideline_kafka_requests_total counter
rideline_kafka_requests_total{client="producer",api="Produce",service="dispatch-service"} ${produce}
rideline_kafka_requests_total{client="rideline.dispatch.state.0b1c",api="Fetch",service="dispatch-service"} ${fetch}
rideline_kafka_requests_total{client="rideline.dispatch",api="Fetch",service="dispatch-service"} ${fetch}
rideline_kafka_request_bytes_total{client="producer",api="Produce",service="dispatch-service"} 99999
`;

describe('Kafka request counts from /metrics', () => {
  it('reads each client as producer, admin or consumer, and ignores other metrics', () => {
    const counts = parseKafkaRequests('dispatch-service', scrape(10, 7));
    expect(counts).toEqual([
      { service: 'dispatch-service', kind: 'producer', api: 'Produce', requests: 10 },
      { service: 'dispatch-service', kind: 'consumer', api: 'Fetch', requests: 7 },
      { service: 'dispatch-service', kind: 'consumer', api: 'Fetch', requests: 7 },
    ]);
  });

  it('counts what was sent between two readings, summed per service and API', () => {
    const window = requestsBetween(parseKafkaRequests('dispatch-service', scrape(10, 7)), parseKafkaRequests('dispatch-service', scrape(25, 9)));
    expect(requestsOf(window, 'dispatch-service', 'Produce')).toBe(15);
    expect(requestsOf(window, 'dispatch-service', 'Fetch')).toBe(4);
    expect(requestsOf(window, 'dispatch-service')).toBe(19);
    expect(requestsOf(window, 'booking-service')).toBe(0);
  });

  it('measures nothing when the services do not count requests (an older checkout)', () => {
    expect(requestsBetween([], [])).toEqual([]);
  });
});
