/**
 * How fast booking-service stores `dispatch.offers`, before and after it stored a run of records
 * per statement, measured in one sitting on the real PostgreSQL (no Kafka: the write is what
 * changed). "Before" is the statement per record the consumer used to run, kept here verbatim
 * as the baseline; "after" is `OfferStore.recordRun` with runs as the consumer hands them over
 * (up to MAX_RUN_RECORDS). The load is a city's: each booking offered to OFFERS_PER_BOOKING
 * drivers, then revoked for all of them (one accepts, the rest lose it). Alternating runs,
 * medians reported. Results: bench/OFFER_STORE_RESULTS.md.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { MAX_RUN_RECORDS } from '@rideline/kafka';
import { createScratchDatabase } from '@rideline/postgres/testing';
import { median } from '@rideline/stats';
import { createPrismaClient, type PrismaClient } from '../src/db/client.ts';
import { prepareDatabase } from '../src/db/migrate.ts';
import { OfferStore, type DispatchOfferEnvelope, type LogPosition } from '../src/offers/offer-store.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const BOOKINGS = Number(process.env['BENCH_OFFER_BOOKINGS'] ?? 500);
const OFFERS_PER_BOOKING = 5;
const topic = 'bench.dispatch.offers';

/** The statement per record that `recordRun` replaced (commit before 'stores dispatch.offers a run of records per statement'). */
async function recordOneByOne(prisma: PrismaClient, envelope: DispatchOfferEnvelope, at: LogPosition): Promise<void> {
  const { booking_id: bookingId, driver_id: driverId } = envelope.data;
  const next = (BigInt(at.offset) + 1n).toString();
  const offeredAt = envelope.type === 'BookingOffered' ? envelope.data.offered_at : null;
  const revokeReason = envelope.type === 'OfferRevoked' ? envelope.data.reason : null;
  await prisma.$executeRaw`
    WITH offered AS (
      INSERT INTO driver_offers (booking_id, driver_id, offered_at)
      SELECT ${bookingId}::uuid, ${driverId}::uuid, ${offeredAt}::timestamptz WHERE ${offeredAt}::timestamptz IS NOT NULL
      ON CONFLICT (booking_id, driver_id) DO NOTHING
      RETURNING 1
    ), revoked AS (
      UPDATE driver_offers SET revoked_at = ${envelope.occurred_at}::timestamptz, revoke_reason = ${revokeReason}
      WHERE ${revokeReason}::text IS NOT NULL AND booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid
        AND revoked_at IS NULL
      RETURNING 1
    )
    INSERT INTO offer_log_positions (topic, partition, next_offset, updated_at)
    VALUES (${at.topic}, ${at.partition}, ${next}::bigint, now())
    ON CONFLICT (topic, partition) DO UPDATE SET
      next_offset = GREATEST(offer_log_positions.next_offset, EXCLUDED.next_offset), updated_at = now()`;
}

function cityOfOffers(): DispatchOfferEnvelope[] {
  const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };
  const now = new Date().toISOString();
  const envelopes: DispatchOfferEnvelope[] = [];
  for (let b = 0; b < BOOKINGS; b++) {
    const bookingId = randomUUID();
    const drivers = Array.from({ length: OFFERS_PER_BOOKING }, () => randomUUID());
    for (const driverId of drivers) {
      envelopes.push({
        event_id: randomUUID(),
        type: 'BookingOffered',
        version: 1,
        occurred_at: now,
        data: { booking_id: bookingId, driver_id: driverId, pickup: place, dropoff: place, estimated_cost: 120, distance_m: 2400, offered_at: now },
      });
    }
    for (const [i, driverId] of drivers.entries()) {
      envelopes.push({
        event_id: randomUUID(),
        type: 'OfferRevoked',
        version: 2,
        occurred_at: now,
        data: { booking_id: bookingId, driver_id: driverId, reason: i === 0 ? 'accepted' : 'expired' },
      });
    }
  }
  return envelopes;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const database = await createScratchDatabase(undefined, 'rideline_offer_store_bench');
await prepareDatabase(database.databaseUrl);
const prisma = createPrismaClient(database.databaseUrl);
const store = new OfferStore(prisma);
const loadAtStart = os.loadavg()[0]!;
const before: number[] = [];
const after: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const records = cityOfOffers();
    const partition = run * 2;
    before.push(
      records.length /
        ((await timed(async () => {
          for (const [offset, envelope] of records.entries()) await recordOneByOne(prisma, envelope, { topic, partition, offset: String(offset) });
        })) /
          1000),
    );
    const fresh = cityOfOffers();
    after.push(
      fresh.length /
        ((await timed(async () => {
          for (let start = 0; start < fresh.length; start += MAX_RUN_RECORDS) {
            const run = fresh.slice(start, start + MAX_RUN_RECORDS);
            await store.recordRun(run, { topic, partition: partition + 1, offset: String(start + run.length - 1) });
          }
        })) /
          1000),
    );
    process.stdout.write(`run ${run + 1}: one by one ${before.at(-1)!.toFixed(0)}/s, in runs ${after.at(-1)!.toFixed(0)}/s\n`);
  }
} finally {
  await prisma.$disconnect();
  await database.drop();
}

const records = BOOKINGS * OFFERS_PER_BOOKING * 2;
const report = `# booking-service: storing dispatch.offers

Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.
PostgreSQL on the same machine, and whatever else it was running (1-minute load average
${loadAtStart.toFixed(1)} at the start). Written by \`pnpm bench\`
(services/booking-service/bench/offer-store.bench.ts): ${RUNS} runs of ${records} records each
(${BOOKINGS} bookings, each offered to ${OFFERS_PER_BOOKING} drivers and then revoked for all of them), the two
ways alternating within each run; medians.

| how | records stored per second |
|---|---|
| a statement per record (before) | ${median(before).toFixed(0)} |
| a statement per run of up to ${MAX_RUN_RECORDS} (after, \`OfferStore.recordRun\`) | ${median(after).toFixed(0)} |
| ratio | ${(median(after) / median(before)).toFixed(1)}× |

A ride makes about ${OFFERS_PER_BOOKING * 2} such records at this fan-out; the consumer stored one record per
statement before, which capped \`dispatch.offers\` near the first row's rate divided by that. Each
statement is its own transaction, so "before" pays a commit (a WAL flush) per record: on a busy
machine that wait, not the SQL, is most of it.
`;
await writeFile(new URL('OFFER_STORE_RESULTS.md', import.meta.url), report);
process.stdout.write(report);
