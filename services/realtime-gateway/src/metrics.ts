import { defineMetrics } from '@rideline/service-kit';
import type { Counter, Registry } from 'prom-client';
import { ENDPOINT_NAMES, type Endpoint } from './domain/endpoints.ts';
import type { OpsMessage } from '@rideline/contracts';
import type { OutboundType } from './domain/messages.ts';

export type RejectReason =
  | 'malformed_request'
  | 'missing_token'
  | 'invalid_token'
  | 'expired_token'
  | 'revoked_token'
  | 'wrong_kind'
  | 'auth_unavailable'
  | 'not_ready';

/** The gateway's own metrics, on the app's registry (`/metrics`). */
export function createGatewayMetrics(registry: Registry) {
  const define = defineMetrics(registry);
  const openSockets = define.gauge('rideline_gateway_open_sockets', 'Open WebSockets by endpoint', { labelNames: ['endpoint'] });
  for (const endpoint of ENDPOINT_NAMES) openSockets.set({ endpoint }, 0);
  const pendingDelivered = new PendingCounts<'endpoint' | 'type'>('endpoint', 'type');
  define.counter('rideline_gateway_messages_delivered_total', 'Messages written to sockets, by endpoint and type (snapshots included)', {
    labelNames: ['endpoint', 'type'],
    collect() {
      pendingDelivered.addTo(this);
    },
  });
  const latency = define.histogram('rideline_gateway_delivery_latency_seconds', "From the event's occurred_at to the socket write, for live deliveries", {
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const rejectedUpgrades = define.counter('rideline_gateway_rejected_upgrades_total', 'WebSocket upgrades answered with an HTTP error instead, by reason', {
    labelNames: ['reason'],
  });
  const slowClientCloses = define.counter(
    'rideline_gateway_slow_client_closes_total',
    'Sockets closed with 4008 because their send queue passed WS_MAX_BUFFERED_BYTES',
    { labelNames: ['endpoint'] },
  );
  const opened = define.counter('rideline_gateway_sockets_opened_total', 'Sockets accepted (upgraded and authenticated), by endpoint', {
    labelNames: ['endpoint'],
  });
  const closes = define.counter(
    'rideline_gateway_sockets_closed_total',
    'Closed sockets by endpoint and close code (1000 normal, 1001 going away, 4001 revoked, 4008 slow client, 4029 over the cap...)',
    { labelNames: ['endpoint', 'code'] },
  );
  const inboundFrames = define.counter('rideline_gateway_inbound_frames_total', 'Frames received from clients, by endpoint and kind', {
    labelNames: ['endpoint', 'kind'],
  });
  const pendingRecords = new PendingCounts<'topic' | 'outcome'>('topic', 'outcome');
  const records = define.counter('rideline_gateway_records_total', 'Kafka records read, by topic and outcome (applied, ignored, undecodable, unopenable)', {
    labelNames: ['topic', 'outcome'],
    collect() {
      pendingRecords.addTo(this);
    },
  });
  const sessionRevocationCloses = define.counter(
    'rideline_gateway_session_revocation_closes_total',
    'Sockets closed with 4001 because the login session of their token was revoked (logout)',
    { labelNames: ['endpoint'] },
  );
  const locationsPublished = define.counter(
    'rideline_gateway_locations_published_total',
    'Driver locations published to driver.locations (ok) or dropped after a failed send',
    { labelNames: ['outcome'] },
  );

  return {
    openSockets,
    opened,
    latency,
    rejectedUpgrades,
    slowClientCloses,
    closes,
    inboundFrames,
    records,
    sessionRevocationCloses,
    locationsPublished,
    delivered(endpoint: Endpoint, type: OutboundType | OpsMessage['type'], count = 1): void {
      pendingDelivered.add(endpoint, type, count);
    },
    /** A record of the feed read, as `records.inc` does, for the per-record path. */
    recordRead(topic: string, outcome: 'applied' | 'ignored'): void {
      pendingRecords.add(topic, outcome, 1);
    },
  };
}

/**
 * Counts of a two-label counter bumped once per record or delivery, kept in plain numbers and
 * added to the counter when it is collected (a scrape reads the same totals): prom-client hashes
 * the label set on every `inc`, a child's too, about 0.3 µs, paid per delivery otherwise.
 */
class PendingCounts<L extends string> {
  readonly #counts = new Map<string, Map<string, { readonly labels: Partial<Record<L, string>>; n: number }>>();

  constructor(
    readonly first: L,
    readonly second: L,
  ) {}

  add(first: string, second: string, n: number): void {
    let bySecond = this.#counts.get(first);
    if (!bySecond) this.#counts.set(first, (bySecond = new Map()));
    const entry = bySecond.get(second);
    if (entry) entry.n += n;
    else bySecond.set(second, { labels: { [this.first]: first, [this.second]: second } as Partial<Record<L, string>>, n });
  }

  addTo(counter: Counter<L>): void {
    for (const bySecond of this.#counts.values()) {
      for (const entry of bySecond.values()) {
        if (entry.n === 0) continue;
        counter.inc(entry.labels, entry.n);
        entry.n = 0;
      }
    }
  }
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
