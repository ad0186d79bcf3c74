import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_HELD_STATUSES, RIDER_ACTIVE_STATUSES } from '../src/bookings/active-bookings.ts';
import { MIGRATIONS_DIR } from '../src/db/migrate.ts';

/** The statuses a partial index of the migrations covers (`WHERE (status IN ('a'::text, ...))`). */
function indexedStatuses(indexName: string): string[] {
  const sql = readFileSync(join(MIGRATIONS_DIR, '20261129100000_driver_exclusivity', 'migration.sql'), 'utf8');
  const match = new RegExp(`CREATE (?:UNIQUE )?INDEX "${indexName}"[^;]*WHERE \\(status IN \\(([^)]*)\\)\\)`).exec(sql);
  if (!match?.[1]) throw new Error(`index ${indexName} not found`);
  return [...match[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
}

// The read model's partial indexes were written with the status lists of their day: a status
// whose traits change (or a new active one) needs a migration, or the indexes stop guarding it.
describe('the read model indexes agree with the contract status traits', () => {
  it('one held booking per driver: the statuses that hold their driver', () => {
    expect(indexedStatuses('bookings_driver_active_key')).toEqual(DRIVER_HELD_STATUSES);
  });

  it("a rider's active bookings: the active statuses", () => {
    expect(indexedStatuses('bookings_rider_active_idx')).toEqual(RIDER_ACTIVE_STATUSES);
  });

  it("a rider's active bookings as the database counts them: the same statuses, so the count uses that index", () => {
    const sql = readFileSync(join(MIGRATIONS_DIR, '20261130100000_rider_active_bookings', 'migration.sql'), 'utf8');
    const match = /CREATE FUNCTION rider_active_bookings[\s\S]*?status IN \(([^)]*)\)/.exec(sql);
    if (!match?.[1]) throw new Error('rider_active_bookings not found');
    expect([...match[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!)).toEqual(RIDER_ACTIVE_STATUSES);
  });
});
