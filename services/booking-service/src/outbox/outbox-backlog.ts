import type { SqlClient } from '../bookings/event-store.ts';

export interface OutboxBacklog {
  /** Rows committed and not yet acknowledged by the broker (the relay deletes a row after). */
  readonly rows: number;
  /** Seconds since the oldest of them was written; 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/**
 * One statement: the count walks the table, which the relay keeps near empty (100,000 rows of
 * booking events, about an hour of outage at 20 bookings/s, took 55-80 ms per scrape on a
 * 2-core machine under load), and the oldest row is the first by id, found through the primary
 * key. Its age is measured by the database clock, which also wrote `created_at`, so clock skew
 * between hosts plays no part.
 */
export async function readOutboxBacklog(db: SqlClient): Promise<OutboxBacklog> {
  const [row] = await db.$queryRaw<{ rows: number; oldest_age_seconds: number | null }[]>`
    SELECT (SELECT count(*) FROM outbox_messages)::int AS rows,
           (SELECT extract(epoch FROM clock_timestamp() - created_at)::float8
              FROM outbox_messages ORDER BY id LIMIT 1) AS oldest_age_seconds`;
  return { rows: row?.rows ?? 0, oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0) };
}
