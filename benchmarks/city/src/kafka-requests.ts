import { SERVICES } from './processes.ts';

type Service = (typeof SERVICES)[number];

/** What sent a Kafka request: the service's producer, its admin, or one of its consumers. */
type ClientKind = 'producer' | 'admin' | 'consumer';

/** Requests counted in a window, by service, kind of client and Kafka API. */
export interface RequestCount {
  readonly service: Service;
  readonly kind: ClientKind;
  readonly api: string;
  readonly requests: number;
}

const SAMPLE = /^rideline_kafka_requests_total\{([^}]*)\} (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Every Kafka request the three services have sent so far, from `rideline_kafka_requests_total`
 * on their /metrics (running totals). A checkout from before that metric answers none: its
 * phases report no request figures rather than zeros.
 */
export async function readKafkaRequests(urls: Readonly<Record<Service, string>>): Promise<RequestCount[]> {
  const counts: RequestCount[] = [];
  for (const service of SERVICES) {
    const response = await fetch(`${urls[service]}/metrics`).catch(() => null);
    if (response?.ok) counts.push(...parseKafkaRequests(service, await response.text()));
  }
  return counts;
}

/** The `rideline_kafka_requests_total` samples of one service's Prometheus text. */
export function parseKafkaRequests(service: Service, metrics: string): RequestCount[] {
  const counts: RequestCount[] = [];
  for (const line of metrics.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...sample[1]!.matchAll(LABEL)].map((m) => [m[1]!, m[2]!]));
    const client = labels['client'] ?? '';
    const kind: ClientKind = client === 'producer' || client === 'admin' ? client : 'consumer';
    counts.push({ service, kind, api: labels['api'] ?? '?', requests: Number(sample[2]) });
  }
  return counts;
}

/** What was sent between two readings, summed by service, kind and API; empty when nothing was measured. */
export function requestsBetween(before: readonly RequestCount[], after: readonly RequestCount[]): RequestCount[] {
  const key = (c: RequestCount) => `${c.service}\u0000${c.kind}\u0000${c.api}`;
  const totals = new Map<string, RequestCount>();
  const add = (count: RequestCount, sign: 1 | -1) => {
    const known = totals.get(key(count));
    totals.set(key(count), { ...count, requests: (known?.requests ?? 0) + sign * count.requests });
  };
  for (const count of after) add(count, 1);
  if (totals.size === 0) return [];
  for (const count of before) add(count, -1);
  return [...totals.values()];
}

/** Requests of `service` (all of them, or those of one API) in a window. */
export function requestsOf(counts: readonly RequestCount[], service: Service, api?: string): number {
  return counts.filter((c) => c.service === service && (api === undefined || c.api === api)).reduce((total, c) => total + c.requests, 0);
}
