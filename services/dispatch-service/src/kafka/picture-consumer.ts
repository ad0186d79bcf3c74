import { randomUUID } from 'node:crypto';
import { decodeMessage, type TopicNames } from '@rideline/contracts';
import { ConsumerLag, GROUP_TIMING, GroupLiveness, type Logger } from '@rideline/kafka';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { LogRecord } from '../domain/index.ts';
import { CatchUp, type PartitionEnd } from './catch-up.ts';

export type PictureTopic = LogRecord['topic'];
/** An idle fetch returns after this; stopping a consumer waits for the fetch in flight. */
export const IDLE_FETCH_WAIT_MS = 1_000;

export const PICTURE_TOPICS: readonly PictureTopic[] = ['driverLocations', 'bookingEvents', 'dispatchOffers'];

export interface PictureConsumerOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  /** The shared group id; this consumer's own group is derived from it. */
  readonly groupId: string;
  readonly logger: Logger;
  /** A valid record; `live` once the replay of what was there at start-up is done. */
  readonly onRecord: (record: LogRecord, live: boolean) => void;
  /** A record that does not decode: skipped here (the shared group parks it on the dead-letter topic). */
  readonly onUndecodable: (topic: PictureTopic, reason: string) => void;
  /** Called once, when every partition has been read up to where it ended at start-up. */
  readonly onCaughtUp: () => void;
}

/**
 * Reads all of driver.locations, booking.events and dispatch.offers, from the beginning, into the
 * process's picture. Every instance needs every record (any driver may be offered any booking),
 * so this is a group of one, made afresh at each start and never committing: a replay each time,
 * which is how state is rebuilt. Nothing here blocks a partition: a record that does not decode
 * is skipped, and folding never throws back into kafkajs.
 */
export class PictureConsumer {
  readonly #options: PictureConsumerOptions;
  readonly #consumer: Consumer;
  readonly #idByName: ReadonlyMap<string, PictureTopic>;
  readonly #groupId: string;
  readonly #liveness: GroupLiveness;
  /** How far behind it is, per partition (it never commits: a rejoin reads from the start again). */
  readonly lag: ConsumerLag;
  #catchUp: CatchUp | null = null;

  constructor(options: PictureConsumerOptions) {
    this.#options = options;
    this.#groupId = `${options.groupId}.picture.${randomUUID()}`;
    this.#consumer = options.kafka.consumer({
      groupId: this.#groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
      // A group of one: after a broker restart its join waits only for its own dead predecessor.
      ...GROUP_TIMING,
    });
    this.#liveness = new GroupLiveness(this.#consumer);
    this.#idByName = new Map(PICTURE_TOPICS.map((id) => [options.names[id], id]));
    this.lag = new ConsumerLag({ consumer: this.#consumer, admin: options.admin, group: this.#groupId, topics: [...this.#idByName.keys()], commits: false });
  }

  /** In its group and fetching (false while it rejoins after losing the broker). */
  get live(): boolean {
    return this.#liveness.live;
  }

  get caughtUp(): boolean {
    return this.#catchUp?.done ?? false;
  }

  /** Partitions still replaying, for readiness messages. */
  get replaying(): string[] {
    return this.#catchUp?.pending ?? [];
  }

  async start(): Promise<void> {
    const ends: PartitionEnd[] = [];
    for (const [name] of this.#idByName) {
      for (const end of await this.#options.admin.fetchTopicOffsets(name)) {
        ends.push({ topic: name, partition: end.partition, lowWatermark: end.low, highWatermark: end.high });
      }
    }
    const catchUp = new CatchUp(ends);
    this.#catchUp = catchUp;
    const started = Date.now();
    void catchUp.whenDone().then(() => {
      this.#options.logger.info({ ms: Date.now() - started }, 'replay done: the picture is complete');
      this.#options.onCaughtUp();
    });
    const { END_BATCH_PROCESS } = this.#consumer.events;
    this.#consumer.on(END_BATCH_PROCESS, ({ payload }) => catchUp.advance(payload.topic, payload.partition, payload.lastOffset));
    this.lag.start();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [...this.#idByName.keys()], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      // Each record is resolved once folded (a batch cut short by stopping is not skipped).
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning }) => {
        const id = this.#idByName.get(batch.topic);
        if (id === undefined) return;
        for (const message of batch.messages) {
          if (!isRunning()) break;
          try {
            const record = decodeRecord(id, message.value, batch.partition);
            if ('reason' in record) this.#options.onUndecodable(id, record.reason);
            else this.#options.onRecord(record, catchUp.done);
          } catch (error) {
            // A valid record the state cannot take (a bug): skipping it beats stalling the partition.
            this.#options.logger.error({ err: error, topic: batch.topic, partition: batch.partition, offset: message.offset }, 'could not fold a record; skipped');
          }
          resolveOffset(message.offset);
        }
        await heartbeat();
      },
    });
  }

  /** Leaves, and deletes the group (it holds nothing worth keeping). */
  async stop(): Promise<void> {
    this.lag.stop();
    await this.#consumer.disconnect();
    await this.#options.admin.deleteGroups([this.#groupId]).catch(() => {});
  }
}

/** Decodes per topic, so that the record's type follows its topic without a cast. */
function decodeRecord(id: PictureTopic, value: Buffer | null, partition: number): LogRecord | { readonly reason: string } {
  switch (id) {
    case 'driverLocations': {
      const decoded = decodeMessage(id, value);
      return decoded.ok ? { topic: id, message: decoded.message, partition } : decoded;
    }
    case 'bookingEvents': {
      const decoded = decodeMessage(id, value);
      return decoded.ok ? { topic: id, message: decoded.message, partition } : decoded;
    }
    case 'dispatchOffers': {
      const decoded = decodeMessage(id, value);
      return decoded.ok ? { topic: id, message: decoded.message, partition } : decoded;
    }
  }
}
