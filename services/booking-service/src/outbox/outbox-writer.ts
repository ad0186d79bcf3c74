import type { TopicNames } from '@rideline/contracts';
import { Prisma } from '../generated/prisma/client.ts';
import { OUTBOX_CHANNEL } from '../bookings/event-store.ts';
import { outboxRow, type OutboxEntry } from './outbox-entry.ts';

/** This process's outbox relay, as a writer needs it. */
interface OutboxWake {
  /** When this process's relay publishes, it is woken in-process; otherwise NOTIFY wakes the leader. */
  readonly isLeader: boolean;
  publishNow(): void;
}

/** Where queued entries go: this deployment's topic names, and the relay to wake. */
export interface OutboxTarget {
  readonly topics: TopicNames;
  readonly wake: OutboxWake;
}

/**
 * Queues records in the outbox inside the caller's transaction: they are published if and
 * only if it commits. Call `target.wake.publishNow()` after the commit. (The booking event store writes its
 * rows in its own single statement; this is for everything else.)
 */
export async function queueInOutbox(tx: Prisma.TransactionClient, entries: readonly OutboxEntry[], target: OutboxTarget): Promise<void> {
  if (entries.length === 0) return;
  await tx.outboxMessage.createMany({
    data: entries.map((entry) => {
      const row = outboxRow(entry, target.topics);
      return { topic: row.topic, messageKey: row.key, payload: row.payload, traceContext: row.traceContext ?? Prisma.DbNull };
    }),
  });
  if (!target.wake.isLeader) await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}
