import { DEAD_LETTER_HEADERS, decodeMessage, type MessageTopicId, type TopicMessage } from '@rideline/contracts';
import { contextFrom, inSpan, SpanKind, tracingActive } from '@rideline/telemetry';
import type { Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { CatchUp, type PartitionEnd } from './catch-up.ts';
import { ConsumerLag } from './consumer-lag.ts';
import { GROUP_TIMING, GroupLiveness } from './group-timing.ts';
import type { KafkaRuntime } from './kafka-runtime.ts';
import type { Logger } from './logger.ts';

export interface RecordPosition<T extends MessageTopicId> {
  readonly topic: T;
  readonly partition: number;
  readonly offset: string;
}

export interface ConsumedRecord<T extends MessageTopicId> extends RecordPosition<T> {
  readonly key: string | null;
  readonly message: TopicMessage<T>;
}

/** A record of one of the topics `T`, its message typed by its topic. */
export type AnyConsumedRecord<T extends MessageTopicId> = { [K in T]: ConsumedRecord<K> }[T];

export type RecordHandler<T extends MessageTopicId> = (record: AnyConsumedRecord<T>) => void | Promise<void>;

/**
 * Handles consecutive records of one partition at once, in order (at most `MAX_RUN_RECORDS`): for
 * a handler whose cost is per call rather than per record, such as one database statement. The
 * run stops short of an undecodable record, which is parked or skipped on its own. Shared groups
 * only; a run that fails is retried whole, so the handler must be idempotent. Runs start no
 * tracing spans (the one-by-one `handle` does).
 */
export type RunHandler<T extends MessageTopicId> = (records: readonly AnyConsumedRecord<T>[]) => Promise<void>;

/** The most records handed to a `RunHandler` in one call. */
export const MAX_RUN_RECORDS = 500;

/** A consumer handles its records one by one (`handle`) or in runs (`handleRun`). */
export type RecordHandling<T extends MessageTopicId> =
  | { readonly handle: RecordHandler<T>; readonly handleRun?: never }
  | { readonly handleRun: RunHandler<T>; readonly handle?: never };

/**
 * How a consumer reads, which decides everything else about it:
 *
 * - `shared`: a durable group shared by the instances of a service, each handling the partitions
 *   assigned to it. Starts at the group's committed offsets (the beginning for a new group) and
 *   commits what it handled. A handler that throws is retried (kafkajs restarts from the last
 *   handled record), so nothing is skipped. A rebalance does not make it un-`live` (an instance
 *   starting would make every instance unready at once). Catch-up is not tracked: its partitions
 *   move between instances.
 * - `replay`: a group of its own (the caller gives it a fresh id per start), reading every
 *   partition from the beginning, or from the first record at or after `fromTimestampMs`, and
 *   never committing: state is rebuilt by replaying at every start (and after a crash, kafkajs
 *   reads from the start again). `caughtUp` once every partition has been read up to where it
 *   ended at start. A handler that throws is logged and the record skipped: a bug in one record
 *   must not stall a picture every other record feeds. The group is deleted on stop.
 */
export type ReadMode = { readonly kind: 'shared' } | { readonly kind: 'replay'; readonly fromTimestampMs?: number };

/**
 * What happens to a record that does not decode against its topic's contract (not JSON, not the
 * schema). Never blocks its partition either way.
 *
 * - `park`: sent to the dead-letter topic with where it came from and why. For `shared` groups:
 *   their committed offsets say what they have looked at, so each record is parked once.
 * - `skip`: logged and skipped. For `replay` groups: N instances replaying at every start would
 *   park the same record again and again.
 */
export type UndecodablePolicy = 'park' | 'skip';

export type TopicConsumerOptions<T extends MessageTopicId> = TopicConsumerSettings<T> & RecordHandling<T>;

export interface TopicConsumerSettings<T extends MessageTopicId> {
  readonly runtime: Pick<KafkaRuntime, 'kafka' | 'admin' | 'publisher' | 'topics' | 'requests'>;
  readonly groupId: string;
  readonly topics: readonly T[];
  readonly mode: ReadMode;
  readonly undecodable: UndecodablePolicy;
  /**
   * Told of each undecodable record once it is parked or skipped (before its offset counts as
   * read): a metric, or a handler that keeps its own read position (such a record is read too,
   * though never handled).
   */
  readonly onUndecodable?: (at: RecordPosition<T>, reason: string) => void | Promise<void>;
  /** The group gave this member partitions (its first join, and after every rebalance). */
  readonly onAssigned?: (assignment: ReadonlyMap<T, ReadonlySet<number>>) => void;
  /** This member's partitions may be moving: a rebalance began, it crashed or stopped. */
  readonly onRevoked?: () => void;
  /**
   * A fetch waits at the broker for `minBytes` (default 1) or `maxWaitMs` (default 1 s), whichever
   * comes first. A fetch costs kafkajs far more than a record: a larger `minBytes` saves CPU under
   * load but adds up to `maxWaitMs` to every delivery when traffic is light; a short `maxWaitMs`
   * makes an idle consumer poll, and stopping waits for the fetch in flight.
   */
  readonly fetch?: { readonly minBytes?: number; readonly maxWaitMs?: number };
  /**
   * Shared groups: commit what was handled at most every `commitEveryMs` (checked at the end of a
   * batch, and once more on stop) instead of after every batch, kafkajs' way. A commit is a
   * request to the broker; a consumer taking small batches at a high rate spends one per batch.
   * The price: after a crash or a rebalance, up to `commitEveryMs` of records are handled again,
   * so only for handlers that are idempotent and do not rely on the committed offsets.
   */
  readonly commitEveryMs?: number;
  /**
   * Shared groups: handle up to this many partitions of one fetch at once (kafkajs'
   * `partitionsConsumedConcurrently`; default 1, one after the other). Each partition stays in
   * order, and the next fetch waits for all of them. kafkajs 2.2.4 starts a fetch's batches in
   * one synchronous stretch (workerQueue.js starts every worker, each runs up to its first await),
   * so with at least as many as the fetch holds partitions, the first `handleRun` of each is
   * called before the event loop moves on (from microtasks; a `setImmediate` scheduled by the
   * first runs after the last): a handler can join them into one write.
   */
  readonly partitionsConcurrently?: number;
  readonly logger: Logger;
}

/** An idle fetch returns after this; stopping a consumer waits for the fetch in flight. */
export const IDLE_FETCH_WAIT_MS = 1_000;

/**
 * How long after a crash kafkajs does not restart from (see `isLostCoordinator`) the consumer is
 * run again: the longest wait between kafkajs' own retries, so a broker still away is not polled
 * any harder than kafkajs polls it.
 */
const RESTART_AFTER_LOST_COORDINATOR_MS = GROUP_TIMING.retry.maxRetryTime;

/**
 * The one way Rideline reads Kafka: records of some topics, decoded against their contract,
 * handled in partition order, batch by batch, with the group timings that bound a comeback after
 * a broker restart (`GROUP_TIMING`), liveness for readiness, lag for metrics and readiness, and,
 * for `replay` consumers, catch-up to the ends the partitions had at start. See `ReadMode` and
 * `UndecodablePolicy` for the two kinds.
 */
export class TopicConsumer<T extends MessageTopicId> {
  readonly #options: TopicConsumerOptions<T>;
  readonly #consumer: Consumer;
  readonly #idByName: ReadonlyMap<string, T>;
  readonly #liveness: GroupLiveness;
  readonly #replay: boolean;
  /** `topic\0partition` → the offset reading starts at, when a replay starts from a timestamp. */
  readonly #startAt = new Map<string, number>();
  #catchUp: CatchUp | null = null;
  /** What `start` ran the consumer with, to run it again after a crash kafkajs does not restart from. */
  #runConfig: ConsumerRunConfig | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  /** Periodic commits: commits every offset handled and not yet committed (the last batch's payload knows them). */
  #commitHandled: (() => Promise<void>) | undefined;
  /**
   * The periodic commit in flight: batches handled together end together, and kafkajs notes the
   * time of a commit only once it is answered, so each would send its own.
   */
  #committing: Promise<void> | undefined;
  readonly #caughtUp: Promise<void>;
  #resolveCaughtUp: () => void = () => {};
  /** How far behind it is, per partition assigned to it. */
  readonly lag: ConsumerLag;

  constructor(options: TopicConsumerOptions<T>) {
    this.#options = options;
    this.#replay = options.mode.kind === 'replay';
    // A replay skips a record whose handler fails; skipping a whole run for one record would lose the rest.
    if (this.#replay && options.handleRun) throw new Error('handleRun is for shared groups: a replay handles its records one by one (handle)');
    if (this.#replay && options.commitEveryMs !== undefined) throw new Error('commitEveryMs is for shared groups: a replay never commits');
    if (this.#replay && options.partitionsConcurrently !== undefined) throw new Error('partitionsConcurrently is for shared groups');
    // kafkajs starts that many workers: none would leave every fetch unhandled, and the consumer stuck.
    if (options.partitionsConcurrently !== undefined && !(Number.isInteger(options.partitionsConcurrently) && options.partitionsConcurrently >= 1)) {
      throw new Error(`partitionsConcurrently must be a whole number of at least 1, not ${options.partitionsConcurrently}`);
    }
    const { kafka, admin, topics: names } = options.runtime;
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      minBytes: options.fetch?.minBytes ?? 1,
      maxWaitTimeInMs: options.fetch?.maxWaitMs ?? IDLE_FETCH_WAIT_MS,
      ...GROUP_TIMING,
    });
    options.runtime.requests.watch(options.groupId, this.#consumer);
    this.#idByName = new Map(options.topics.map((id) => [names[id], id]));
    this.#liveness = new GroupLiveness(this.#consumer, { rebalanceIsDown: this.#replay });
    this.lag = new ConsumerLag({
      consumer: this.#consumer,
      admin,
      group: options.groupId,
      topics: [...this.#idByName.keys()],
      commits: !this.#replay,
      startAt: (topic, partition) => this.#startAt.get(key(topic, partition)),
    });
    this.#caughtUp = new Promise((resolve) => (this.#resolveCaughtUp = resolve));
    if (!this.#replay) this.#resolveCaughtUp();
    this.#watchGroup();
  }

  get groupId(): string {
    return this.#options.groupId;
  }

  /** In its group and fetching: false until it first joins, and from a crash (or, replaying, a rebalance) until it has joined again. */
  get live(): boolean {
    return this.#liveness.live;
  }

  /** A replay has read every partition up to where it ended at start (always true for a shared group). */
  get caughtUp(): boolean {
    return !this.#replay || (this.#catchUp?.done ?? false);
  }

  /** Partitions a replay has still to read up to their end at start, e.g. `booking.events/2`. */
  get replaying(): readonly string[] {
    return this.#catchUp?.pending ?? [];
  }

  /** Resolves once `caughtUp`. */
  whenCaughtUp(): Promise<void> {
    return this.#caughtUp;
  }

  async start(): Promise<void> {
    if (this.#replay) await this.#planReplay();
    this.lag.start();
    this.#seekStartsOnFirstJoin();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [...this.#idByName.keys()], fromBeginning: true });
    const periodic = this.#options.commitEveryMs !== undefined;
    this.#runConfig = {
      // kafkajs commits after every batch when autoCommit is on, whatever its interval says; the
      // periodic mode commits itself, at the end of a batch once the interval has passed.
      autoCommit: !this.#replay && !periodic,
      ...(periodic ? { autoCommitInterval: this.#options.commitEveryMs } : {}),
      ...(this.#options.partitionsConcurrently !== undefined ? { partitionsConsumedConcurrently: this.#options.partitionsConcurrently } : {}),
      // Each record is resolved once handled, so a batch cut short by stopping is not skipped.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#onBatch(payload),
    };
    await this.#consumer.run(this.#runConfig);
  }

  /**
   * Where a replay from a timestamp starts is set on the first group join, not right after
   * run(): on a broker whose group coordinator is still loading (a fresh one), the consumer's
   * first attempt crashes and kafkajs restarts it, and a seek in between threw "Consumer group
   * was not initialized" (the gateway exited on a fresh `pnpm start`). kafkajs emits the join
   * before the first fetch, which the seeks then steer (the group holds no offsets).
   */
  #seekStartsOnFirstJoin(): void {
    if (this.#startAt.size === 0) return;
    let applied = false;
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      if (applied) return;
      applied = true;
      for (const [at, offset] of this.#startAt) {
        const [topic, partition] = at.split('\u0000') as [string, string];
        this.#consumer.seek({ topic, partition: Number(partition), offset: String(offset) });
      }
    });
  }

  /** Leaves the group after the batch in hand (a shared group commits first; a replay group is deleted). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.lag.stop();
    // What was handled since the last periodic commit; a batch still in hand commits its own on its way out.
    await this.#commitHandled?.().catch((error: unknown) =>
      this.#options.logger.warn({ err: error, group: this.#options.groupId }, 'could not commit the handled offsets on stop; they are handled again'),
    );
    await this.#consumer.disconnect();
    if (this.#replay) await this.#options.runtime.admin.deleteGroups([this.#options.groupId]).catch(() => {});
  }

  /** Where each partition starts and ends now: the line a replay has to reach. */
  async #planReplay(): Promise<void> {
    const { admin } = this.#options.runtime;
    const from = this.#options.mode.kind === 'replay' ? this.#options.mode.fromTimestampMs : undefined;
    const ends: PartitionEnd[] = [];
    for (const [name] of this.#idByName) {
      const starts = new Map<number, number>();
      if (from !== undefined) {
        // kafkajs answers the high watermark for a partition with nothing that recent.
        for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(name, from)) {
          starts.set(partition, Number(offset));
          this.#startAt.set(key(name, partition), Number(offset));
        }
      }
      for (const { partition, high, low } of await admin.fetchTopicOffsets(name)) {
        const start = Math.max(Number(low), starts.get(partition) ?? Number(low));
        ends.push({ topic: name, partition, lowWatermark: String(start), highWatermark: high });
      }
    }
    const catchUp = new CatchUp(ends);
    this.#catchUp = catchUp;
    const started = Date.now();
    void catchUp.whenDone().then(() => {
      this.#options.logger.info({ group: this.#options.groupId, topics: [...this.#idByName.keys()], ms: Date.now() - started }, 'caught up with the topics');
      this.#resolveCaughtUp();
    });
  }

  #watchGroup(): void {
    const { GROUP_JOIN, REBALANCING, CRASH, STOP } = this.#consumer.events;
    const { onAssigned, onRevoked, logger, groupId } = this.#options;
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      if (!onAssigned) return;
      const assignment = new Map<T, ReadonlySet<number>>();
      for (const [name, partitions] of Object.entries(payload.memberAssignment)) {
        const id = this.#idByName.get(name);
        if (id !== undefined) assignment.set(id, new Set(partitions));
      }
      onAssigned(assignment);
    });
    // Offsets resolved under an assignment that is gone are not this member's to commit any more.
    for (const event of [REBALANCING, CRASH]) {
      this.#consumer.on(event, () => {
        this.#commitHandled = undefined;
        // A commit of the generation before is not one a batch of the next should wait on.
        this.#committing = undefined;
      });
    }
    if (onRevoked) for (const event of [REBALANCING, STOP]) this.#consumer.on(event, () => onRevoked());
    this.#consumer.on(CRASH, ({ payload }) => {
      onRevoked?.();
      const entry = { err: payload.error, group: groupId, restart: payload.restart };
      if (payload.restart) logger.warn(entry, 'a Kafka consumer crashed; it rejoins its group');
      else if (isLostCoordinator(payload.error) && !this.#stopping) {
        logger.warn(entry, 'a Kafka consumer crashed: its group coordinator could not be found (the broker is restarting?); it is run again');
        this.#runAgain();
      } else logger.error(entry, 'a Kafka consumer crashed for good: nothing more is read from its topics');
    });
  }

  /**
   * Runs the consumer again once kafkajs has given it up. kafkajs has disconnected it before
   * telling of the crash, so `run` starts it afresh: it connects, joins as a new member and
   * reads from the group's committed offsets (a replay's group commits none: from the start).
   */
  #runAgain(): void {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      const config = this.#runConfig;
      if (this.#stopping || config === undefined) return;
      this.#consumer
        .run(config)
        .catch((error: unknown) =>
          this.#options.logger.error(
            { err: error, group: this.#options.groupId },
            'a Kafka consumer could not be run again: nothing more is read from its topics',
          ),
        );
    }, RESTART_AFTER_LOST_COORDINATOR_MS);
  }

  async #onBatch(payload: EachBatchPayload): Promise<void> {
    const id = this.#idByName.get(payload.batch.topic);
    if (id === undefined) return;
    const { handle, handleRun } = this.#options;
    const last = handleRun ? await this.#handleInRuns(id, handleRun, payload) : handle ? await this.#handleOneByOne(id, handle, payload) : undefined;
    if (last !== undefined) this.#catchUp?.advance(payload.batch.topic, payload.batch.partition, last);
    if (this.#options.commitEveryMs !== undefined) await this.#commitPeriodically(payload);
    await payload.heartbeat();
  }

  /** Commits once the interval has passed, and everything handled when the consumer is stopping. */
  async #commitPeriodically({ commitOffsetsIfNecessary, uncommittedOffsets, isRunning }: EachBatchPayload): Promise<void> {
    this.#commitHandled = () => commitOffsetsIfNecessary(uncommittedOffsets());
    if (!isRunning()) return this.#commitHandled();
    // What a batch resolved after the commit in flight took its offsets is committed next time.
    this.#committing ??= commitOffsetsIfNecessary().finally(() => (this.#committing = undefined));
    await this.#committing;
  }

  /**
   * Handles the batch record by record; returns the offset of the last one handled.
   *
   * Per record only the handler runs. kafkajs' `resolveOffset` parses and formats offsets as
   * 64-bit integers three times a call, and `isStale` stringifies a key a call: both are done once
   * per stretch of records handled without an await, which is the same thing, since nothing else
   * runs in between (no seek, no stop, no commit can happen while this loop holds the thread). The
   * last offset handled is resolved before every await, and before a failure leaves the batch
   * (kafkajs then commits what was resolved and restarts from the failed record).
   */
  async #handleOneByOne(
    id: T,
    handle: RecordHandler<T>,
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
  ): Promise<string | undefined> {
    let last: string | undefined;
    let unresolved = false;
    const resolveHandled = () => {
      if (unresolved) resolveOffset(last!);
      unresolved = false;
    };
    const { messages, partition } = batch;
    try {
      // Stale: the partition was sought or moved to another member; what follows is not ours.
      if (!isRunning() || isStale()) return undefined;
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i]!;
        const pending = this.#handle(id, handle, partition, message);
        if (pending) {
          resolveHandled();
          await pending;
          last = message.offset;
          unresolved = true;
          resolveHandled();
          // A slow handler (a database write) must not let the session lapse mid-batch.
          await heartbeat();
          if (!isRunning() || isStale()) break;
          continue;
        }
        last = message.offset;
        unresolved = true;
      }
    } finally {
      resolveHandled();
    }
    return last;
  }

  /** Handles the batch in runs of decodable records; returns the offset of the last one handled. */
  async #handleInRuns(id: T, handleRun: RunHandler<T>, payload: EachBatchPayload): Promise<string | undefined> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    let last: string | undefined;
    let run: AnyConsumedRecord<T>[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const records = run;
      run = [];
      // A run is shared-mode only (see the constructor): a failure, thrown or rejected, is retried whole.
      await Promise.resolve()
        .then(() => handleRun(records))
        .catch((error: unknown) => this.#failed(error, id, batch.partition, `${records[0]!.offset}-${records.at(-1)!.offset}`));
      // Resolving the last record resolves the run (kafkajs keeps one offset per partition).
      last = records.at(-1)!.offset;
      resolveOffset(last);
      await heartbeat();
    };
    for (const message of batch.messages) {
      // Records gathered before the partition went stale are left unresolved for its next owner.
      if (!isRunning() || isStale()) return last;
      const decoded = decodeMessage(id, message.value);
      if (decoded.ok) {
        run.push(this.#record(id, batch.partition, message, decoded.message));
        if (run.length >= MAX_RUN_RECORDS) await flush();
        continue;
      }
      await flush();
      await this.#undecodable(id, batch.partition, message, decoded.reason);
      resolveOffset(message.offset);
      last = message.offset;
    }
    if (isRunning() && !isStale()) await flush();
    return last;
  }

  #record(id: T, partition: number, message: KafkaMessage, decoded: TopicMessage<T>): AnyConsumedRecord<T> {
    return { topic: id, key: message.key?.toString('utf8') ?? null, message: decoded, partition, offset: message.offset } as AnyConsumedRecord<T>;
  }

  /** Decodes and handles one record; a promise only when something had to be awaited. */
  #handle(id: T, handle: RecordHandler<T>, partition: number, message: KafkaMessage): Promise<void> | undefined {
    const decoded = decodeMessage(id, message.value);
    if (!decoded.ok) return this.#undecodable(id, partition, message, decoded.reason);
    const record = this.#record(id, partition, message, decoded.message);
    let result: void | Promise<void>;
    try {
      result = tracingActive() ? this.#handleTraced(handle, record, message) : handle(record);
    } catch (error) {
      this.#failed(error, id, partition, message.offset);
      return undefined;
    }
    return result instanceof Promise ? result.catch((error: unknown) => this.#failed(error, id, partition, message.offset)) : undefined;
  }

  /**
   * Handles a record inside a consumer span, the child of the span its headers carry (whose send
   * put it there). A record that carries none starts no trace, and neither does one replayed to
   * rebuild state at start: only what arrives once caught up is part of a live request's work.
   */
  #handleTraced(handler: RecordHandler<T>, record: AnyConsumedRecord<T>, message: KafkaMessage): void | Promise<void> {
    const handle = () => handler(record);
    if (!message.headers || !this.caughtUp) return handle();
    const topic = this.#options.runtime.topics[record.topic];
    return inSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFrom(message.headers),
        requireParent: true,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(record.partition),
          'messaging.kafka.offset': Number(record.offset),
          'messaging.consumer.group.name': this.#options.groupId,
        },
      },
      handle,
    );
  }

  /** A handler failed: a shared group retries the record, a replay logs and skips it. */
  #failed(error: unknown, id: T, partition: number, offset: string): void {
    if (!this.#replay) throw error;
    this.#options.logger.error({ err: error, topic: this.#options.runtime.topics[id], partition, offset }, 'could not handle a record; skipped');
  }

  async #undecodable(id: T, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    const source = this.#options.runtime.topics[id];
    const at = { topic: source, partition, offset: message.offset, reason };
    if (this.#options.undecodable === 'skip') {
      this.#options.logger.warn(at, 'skipping an undecodable record');
    } else {
      this.#options.logger.warn(at, 'parking an undecodable record on the dead-letter topic');
      await this.#options.runtime.publisher.sendRaw([
        {
          topic: this.#options.runtime.topics.deadLetter,
          key: message.key,
          value: message.value,
          headers: {
            [DEAD_LETTER_HEADERS.sourceTopic]: source,
            [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
            [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
            [DEAD_LETTER_HEADERS.consumerGroup]: this.#options.groupId,
            [DEAD_LETTER_HEADERS.reason]: reason,
          },
        },
      ]);
    }
    await this.#options.onUndecodable?.({ topic: id, partition, offset: message.offset }, reason);
  }
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * A crash whose cause is kafkajs failing to find the group's coordinator: kafkajs classes that
 * as not retriable and does not restart the consumer, yet it is what a broker restart produces
 * when a lookup lands while the broker is going or coming back. kafkajs 2.2.4 asks each known
 * broker for the coordinator (cluster/index.js, findGroupCoordinatorMetadata), swallows each
 * broker's failure, be it a closed connection or GROUP_COORDINATOR_NOT_AVAILABLE after its
 * retries (cluster/brokerPool.js, withBroker), and then throws KafkaJSGroupCoordinatorNotFound, a
 * KafkaJSNonRetriableError; the consumer's onCrash restarts only from retriable causes
 * (consumer/index.js). Met, for one, when a heartbeat during the broker's controlled shutdown is
 * answered NOT_COORDINATOR and the re-join that follows finds the broker gone.
 */
function isLostCoordinator(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === 'KafkaJSGroupCoordinatorNotFound') return true;
    current = current.cause;
  }
  return false;
}
