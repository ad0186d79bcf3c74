import { CONSUMER_LAG_METRIC } from '@rideline/service-kit';

/** One service's consumer lag, as its `/metrics` says; null when it could not be read. */
export interface ServiceLag {
  readonly service: string;
  readonly lag: number | null;
}

const LAG_LINE = new RegExp(`^${CONSUMER_LAG_METRIC}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)\\s*$`);

/** The sum of every `rideline_kafka_consumer_lag_records` sample in a Prometheus text exposition. */
export function totalLag(exposition: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = LAG_LINE.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

/**
 * Every service already measures how far its Kafka consumers are behind (the
 * `rideline_kafka_consumer_lag_records` gauge on `/metrics`): the console reads those rather than asking the
 * broker itself, so it needs no Kafka client and sees the gateway's group-less feeds too.
 */
export async function readConsumerLag(services: Readonly<Record<string, string>>, timeoutMs = 2_000): Promise<ServiceLag[]> {
  return Promise.all(
    Object.entries(services).map(async ([service, baseUrl]) => {
      try {
        const response = await fetch(new URL('/metrics', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return { service, lag: null };
        return { service, lag: totalLag(await response.text()) };
      } catch {
        return { service, lag: null };
      }
    }),
  );
}
