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
  const delivered = define.counter('rideline_gateway_messages_delivered_total', 'Messages written to sockets, by endpoint and type (snapshots included)', {
    labelNames: ['endpoint', 'type'],
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
  const records = define.counter('rideline_gateway_records_total', 'Kafka records read, by topic and outcome (applied, ignored, undecodable, unopenable)', {
    labelNames: ['topic', 'outcome'],
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

  // Children resolved once: the delivery path is hot.
  const deliveredChildren = new Map<string, Counter.Internal>();
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
      const key = `${endpoint}:${type}`;
      let child = deliveredChildren.get(key);
      if (!child) deliveredChildren.set(key, (child = delivered.labels(endpoint, type)));
      child.inc(count);
    },
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
