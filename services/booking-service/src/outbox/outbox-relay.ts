import type { RawRecord, TopicPublisher } from '@rideline/kafka';
import { driverUrl } from '@rideline/postgres';
import { SpanKind, startOutboundSpan, type OutboundSpan, type TraceCarrier } from '@rideline/telemetry';
import pg from 'pg';
import { OUTBOX_CHANNEL } from '../bookings/event-store.ts';

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly publisher: TopicPublisher;
  readonly logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Rows published per round trip to the broker. */
  readonly batchSize?: number;
  /** Safety net: look for rows this often even when no notification arrived. */
  readonly idlePollMs?: number;
  /** Wait before retrying after the database or the broker failed. */
  readonly retryDelayMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: string | null;
  sealed_payload: string | null;
  created_at: Date;
  trace_context: TraceCarrier | null;
}

/**
 * How long a published batch's delete waits for the next batch's select to carry it. It is also
 * how long a published row may still be counted by `rideline_outbox_backlog_rows`, and the
 * longer window in which a crash makes the next leader publish it again (consumers de-duplicate
 * on `event_id`, as for a crash between the ack and the delete).
 */
const DELETE_LINGER_MS = 50;

/** Any fixed number; only relays of this service's database compete for it. */
const RELAY_LOCK_KEY = 0x5249_444f; // "RIDO"

/**
 * Publishes the outbox to Kafka, in id order, then deletes what the broker acknowledged: no
 * event is lost (a row goes only after the ack) and a booking's events keep their order (one
 * booking's rows are committed in order, and only one relay runs at a time, under a session
 * advisory lock; the others wait as standbys). It wakes on this process's publishNow() and on
 * NOTIFY from any instance, within a millisecond of the commit, and polls as a safety net.
 * A row can be published twice (a crash between the ack and the delete): consumers
 * de-duplicate on `event_id`.
 *
 * While more rows wait, a batch's delete travels with the next batch's select (one statement,
 * one round trip, where a cycle used to take two). Once nothing waits, the delete still waits
 * `DELETE_LINGER_MS` for a commit to wake the relay, whose select then carries it: under load
 * commits come milliseconds apart, and a delete of its own after every commit was half the
 * relay's statements (the city benchmark counts them). Only then is it run alone, before the
 * relay idles, so the outbox holds only unpublished rows whenever the relay rests, and
 * published ones for at most that linger while it works.
 */
export class OutboxRelay {
  readonly #options: Required<OutboxRelayOptions>;
  /** Observes each published batch: when each of its rows was written, oldest first. */
  onPublished: ((createdAts: readonly Date[]) => void) | null = null;
  #client: pg.Client | null = null;
  #leader = false;
  #stopped = false;
  #pending = true;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  /** Ids of rows the broker acknowledged and not yet deleted. */
  #acked: string[] = [];

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 500, idlePollMs: 1_000, retryDelayMs: 1_000, ...options };
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** New rows were committed: publish them now. */
  publishNow(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Finishes the batch in hand (bounded by `timeoutMs`), then releases the lock and connection. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    if (this.#loop) await Promise.race([this.#loop, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    await this.#disconnect();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const client = await this.#connected();
        if (!this.#leader) {
          const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
          this.#leader = rows[0]?.locked === true;
          if (!this.#leader) {
            await this.#idle(this.#options.retryDelayMs * 5, { evenIfPending: true });
            continue;
          }
          this.#options.logger.info({}, 'outbox relay is the leader');
        }
        this.#pending = false;
        const published = await this.#publishBatch(client);
        if (published < this.#options.batchSize && !this.#pending) {
          if (this.#acked.length > 0) {
            await this.#idle(DELETE_LINGER_MS);
            if (this.#pending || this.#stopped) continue;
          }
          await this.#deleteAcked(client);
          await this.#idle(this.#options.idlePollMs);
        }
      } catch (error) {
        if (this.#stopped) break;
        this.#options.logger.warn({ err: error }, 'outbox relay failed; retrying');
        await this.#disconnect();
        await this.#idle(this.#options.retryDelayMs, { evenIfPending: true });
      }
    }
    // Stopped with more rows waiting: what was published goes, the rest waits for the next leader.
    if (this.#client && this.#leader) await this.#deleteAcked(this.#client).catch(() => {});
  }

  async #deleteAcked(client: pg.Client): Promise<void> {
    if (this.#acked.length === 0) return;
    await client.query('DELETE FROM outbox_messages WHERE id = ANY($1::bigint[])', [this.#acked]);
    this.#acked = [];
  }

  async #publishBatch(client: pg.Client): Promise<number> {
    const { rows } = await client.query<OutboxRow>(
      // The select sees the table as it was before the delete beside it, hence the `<> ALL`. No
      // `id > last published`: a transaction can commit a smaller id after a larger one.
      // Ordered by the bigint column itself: `ORDER BY id` would sort the text output column.
      `WITH published AS (DELETE FROM outbox_messages WHERE id = ANY($2::bigint[]))
       SELECT o.id::text AS id, o.topic, o.message_key, o.payload::text AS payload, o.sealed_payload, o.created_at, o.trace_context
       FROM outbox_messages o WHERE o.id <> ALL($2::bigint[]) ORDER BY o.id LIMIT $1`,
      [this.#options.batchSize, this.#acked],
    );
    this.#acked = [];
    if (rows.length === 0) return 0;
    const records: RawRecord[] = [];
    // With tracing on, each row written under a span is sent in a producer span of that trace.
    const spans: OutboundSpan[] = [];
    for (const row of rows) {
      if (row.sealed_payload !== null) {
        // Written by a version that sealed the whole notice under OTP_SECRET, around an OTP in
        // clear: today's contract refuses that shape, so it is dropped rather than published.
        this.#options.logger.warn({ outboxId: row.id, topic: row.topic }, 'dropping a legacy sealed outbox row');
        continue;
      }
      const span = startOutboundSpan(`send ${row.topic}`, row.trace_context, {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': row.topic, 'rideline.outbox.id': row.id },
      });
      if (span) spans.push(span);
      records.push({ topic: row.topic, key: row.message_key, value: row.payload, ...(span ? { headers: span.headers } : {}) });
    }
    if (records.length > 0) {
      try {
        await this.#options.publisher.sendRaw(records);
      } catch (error) {
        for (const span of spans) span.end(error);
        throw error;
      }
    }
    for (const span of spans) span.end();
    this.#acked = rows.map((row) => row.id);
    this.onPublished?.(rows.map((row) => row.created_at));
    return rows.length;
  }

  async #connected(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: driverUrl(this.#options.databaseUrl), connectionTimeoutMillis: 3_000 });
    client.on('error', (error) => {
      this.#options.logger.warn({ err: error }, 'outbox relay lost its database connection');
      if (this.#client === client) {
        this.#client = null;
        this.#leader = false;
      }
      this.#wake?.();
    });
    client.on('notification', () => this.publishNow());
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.#client = client;
    return client;
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#leader = false;
    // Ending the session releases the advisory lock for a standby.
    await client?.end().catch(() => {});
  }

  /** Waits `ms`, or less when rows arrive (unless `evenIfPending`: after a failure) or on stop. */
  #idle(ms: number, { evenIfPending = false } = {}): Promise<void> {
    if (this.#stopped || (this.#pending && !evenIfPending)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        if (evenIfPending && !this.#stopped) return;
        this.#wake = null;
        done();
      };
    });
  }
}
