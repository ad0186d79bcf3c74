import type { Admin, Consumer, Producer } from 'kafkajs';

/** The requests one client of a service has sent to the brokers for one Kafka API. */
export interface KafkaRequestSample {
  /** `producer`, `admin`, or the consumer's group. */
  readonly client: string;
  /** The Kafka API, as kafkajs names it: `Produce`, `Fetch`, `Heartbeat`, `Metadata`, ... */
  readonly api: string;
  readonly requests: number;
  /** Bytes of the requests as sent (their encoded size). */
  readonly bytes: number;
}

/**
 * Counts every request a service's Kafka clients send, by client and API, from kafkajs'
 * instrumentation events. What an event costs is mostly how many requests it causes in every
 * process (broker included), so this is the first thing to read when CPU per event is high:
 * divide by the events handled in the same time.
 */
export class KafkaRequestCounts {
  readonly #counts = new Map<string, { client: string; api: string; requests: number; bytes: number }>();

  watch(client: string, instrumented: Admin | Consumer | Producer): void {
    // The three clients' `on` are overloads of one shape; REQUEST's payload is the same for all.
    const on = instrumented.on.bind(instrumented) as Consumer['on'];
    on(instrumented.events.REQUEST as Consumer['events']['REQUEST'], ({ payload }) => this.#count(client, payload.apiName, payload.size));
  }

  #count(client: string, api: string, bytes: number): void {
    const key = `${client}\u0000${api}`;
    const entry = this.#counts.get(key);
    if (entry) {
      entry.requests += 1;
      entry.bytes += bytes;
    } else {
      this.#counts.set(key, { client, api, requests: 1, bytes });
    }
  }

  /** The running totals, one sample per client and API. */
  samples(): readonly KafkaRequestSample[] {
    return [...this.#counts.values()].map((entry) => ({ ...entry }));
  }
}
