import type { FastifyInstance } from 'fastify';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** What a metric's definition says besides its name and help (the registry is the definer's). */
type Rest<C> = Omit<C, 'name' | 'help' | 'registers'>;

/** Defines metrics on one registry: one call per metric, its name, its help, then the rest. */
export interface MetricDefiner {
  counter<T extends string = string>(name: string, help: string, rest?: Rest<CounterConfiguration<T>>): Counter<T>;
  gauge<T extends string = string>(name: string, help: string, rest?: Rest<GaugeConfiguration<T>>): Gauge<T>;
  histogram<T extends string = string>(name: string, help: string, rest?: Rest<HistogramConfiguration<T>>): Histogram<T>;
}

export function defineMetrics(registry: Registry): MetricDefiner {
  const registers = [registry];
  return {
    counter: (name, help, rest = {}) => new Counter({ ...rest, name, help, registers }),
    gauge: (name, help, rest = {}) => new Gauge({ ...rest, name, help, registers }),
    histogram: (name, help, rest = {}) => new Histogram({ ...rest, name, help, registers }),
  };
}

/**
 * A registry per app rather than prom-client's global one, so tests can build several apps in
 * one process. Services add their own metrics to `registry`, each service in its `metrics.ts`.
 *
 * Every metric Rideline defines starts with `rideline_`, so a shared Prometheus tells them from
 * other exporters' at a glance. prom-client's process and Node.js metrics (`process_*`,
 * `nodejs_*`) keep their standard names: the public Node.js dashboards query those.
 */
export function installMetrics(app: FastifyInstance, service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = defineMetrics(registry).histogram('rideline_http_request_duration_seconds', 'HTTP request duration by route and status', {
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description: "Request durations by route and status, process metrics and the service's own, in Prometheus text format.",
        response: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}

/** One partition a consumer reads, and how many records it is behind there. */
export interface ConsumerLagSample {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** One client's requests to the brokers for one Kafka API (see `KafkaRequestCounts` in @rideline/kafka). */
export interface KafkaRequestSample {
  readonly client: string;
  readonly api: string;
  readonly requests: number;
  readonly bytes: number;
}

/**
 * `rideline_kafka_requests_total{client,api}` and `rideline_kafka_request_bytes_total{client,api}`:
 * every request the service's Kafka clients sent, read from `samples` (running totals) at each
 * scrape. Their rate over the events handled is what an event costs in requests.
 */
export function registerKafkaRequestCounters(registry: Registry, samples: () => Iterable<KafkaRequestSample>): void {
  const labelNames = ['client', 'api'] as const;
  new Counter({
    name: 'rideline_kafka_requests_total',
    help: 'Requests sent to the Kafka brokers, by client (producer, admin, or a consumer group) and Kafka API',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { client, api, requests } of samples()) this.inc({ client, api }, requests);
    },
  });
  new Counter({
    name: 'rideline_kafka_request_bytes_total',
    help: 'Bytes of the requests sent to the Kafka brokers, by client and Kafka API',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { client, api, bytes } of samples()) this.inc({ client, api }, bytes);
    },
  });
}

/** The consumer-lag gauge's name (the ops console sums it from each service's /metrics). */
export const CONSUMER_LAG_METRIC = 'rideline_kafka_consumer_lag_records';

/**
 * `rideline_kafka_consumer_lag_records{group,topic,partition}`: read from `samples` at each
 * scrape, so that a partition no longer assigned (a rebalance) disappears rather than keeping its
 * last value.
 */
export function registerConsumerLagGauge(registry: Registry, samples: () => Iterable<ConsumerLagSample>): void {
  defineMetrics(registry).gauge(CONSUMER_LAG_METRIC, 'Records between where a consumer has processed to and the end of a partition it reads', {
    labelNames: ['group', 'topic', 'partition'],
    collect() {
      this.reset();
      for (const { group, topic, partition, lag } of samples()) this.set({ group, topic, partition: String(partition) }, lag);
    },
  });
}

/**
 * `rideline_dead_letter_records_total{group,topic}`: records a consumer group parked on the
 * dead-letter topic because they did not decode, by the topic they came from. Counted by the
 * member that parked them, once per group: any increase means a producer wrote something the
 * contract refuses. The answer is the function to call once a record is parked.
 */
export function registerDeadLetterCounter(registry: Registry): (parked: { readonly group: string; readonly topic: string }) => void {
  const parked = defineMetrics(registry).counter(
    'rideline_dead_letter_records_total',
    'Records parked on the dead-letter topic because they did not decode, by consumer group and source topic',
    { labelNames: ['group', 'topic'] },
  );
  return ({ group, topic }) => parked.inc({ group, topic });
}
