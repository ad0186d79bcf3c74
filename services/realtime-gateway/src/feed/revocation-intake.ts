import type { RevokedSessions } from '../domain/revoked-sessions.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketService } from '../sockets/socket-service.ts';
import type { FeedRecord } from './feed-topics.ts';

export interface RevocationIntakeDeps {
  readonly revoked: RevokedSessions;
  readonly service: SocketService;
  readonly metrics: GatewayMetrics;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
}

/**
 * From `identity.revocations` to the gateway: the session is refused from now on (upgrades and
 * in-band refreshes) and the sockets authenticated with it are closed as at expiry. A record whose
 * tokens have all expired (read back from history at start) changes nothing: those tokens are
 * refused as expired anyway.
 */
export function revocationIntake({ revoked, service, metrics, now }: RevocationIntakeDeps) {
  return (record: FeedRecord<'identityRevocations'>): void => {
    const { message } = record;
    switch (message.type) {
      case 'SessionRevoked': {
        const { principal_kind: kind, principal_id: principalId, session_id: sessionId, tokens_valid_until: validUntil } = message.data;
        const live = revoked.revoke(sessionId, Date.parse(validUntil), now());
        metrics.records.inc({ topic: record.topic, outcome: live ? 'applied' : 'ignored' });
        if (live) service.closeSession(kind, principalId, sessionId);
        return;
      }
      default:
        message.type satisfies never;
    }
  };
}
