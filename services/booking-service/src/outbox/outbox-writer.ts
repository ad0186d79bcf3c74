import type { Prisma } from '../generated/prisma/client.ts';
import { OUTBOX_CHANNEL } from '../bookings/event-store.ts';

/** This process's outbox relay, as a writer needs it. */
export interface OutboxWake {
  /** When this process's relay publishes, it is woken in-process; otherwise NOTIFY wakes the leader. */
  readonly isLeader: boolean;
  kick(): void;
}

export interface OutboxRecord {
  readonly topic: string;
  readonly key: string;
  /** The whole envelope, as it is published. */
  readonly payload: Prisma.InputJsonValue;
}

/**
 * Queues records in the outbox inside the caller's transaction: they are published if and
 * only if it commits. Call `wake.kick()` after the commit. (The booking event store writes its
 * rows in its own single statement; this is for everything else.)
 */
export async function queueInOutbox(tx: Prisma.TransactionClient, records: readonly OutboxRecord[], wake: OutboxWake): Promise<void> {
  if (records.length === 0) return;
  await tx.outboxMessage.createMany({
    data: records.map((record) => ({ topic: record.topic, messageKey: record.key, payload: record.payload })),
  });
  if (!wake.isLeader) await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}
