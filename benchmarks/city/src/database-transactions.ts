import { testServerUrl } from '@rideline/postgres/testing';
import pg from 'pg';

/**
 * Transactions PostgreSQL has ended in `database` so far (committed and rolled back, from
 * pg_stat_database). The services run their statements outside transactions, so each is one:
 * the difference of two readings is the statements a phase cost, a counterpart of the Kafka
 * requests. Backends report these counts at most once a second, so a reading may miss the last
 * second's: over a 20 s phase that shifts a few percent between neighbouring phases.
 */
export async function readDatabaseTransactions(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: string }>('SELECT xact_commit + xact_rollback AS ended FROM pg_stat_database WHERE datname = $1', [database]);
    return Number(rows[0]?.ended ?? Number.NaN);
  } finally {
    await client.end();
  }
}
