import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, TOPICS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { createKafkaClient } from '@rideline/kafka';
import { createLogger } from '@rideline/service-kit';
import { testKafkaBrokers } from '@rideline/test-support';
import { readDispatchConfig } from '../../src/config.ts';
import { startDispatchSystem, type DispatchSystem, type DispatchSystemOptions } from '../../src/dispatch-system.ts';
import { TestIssuer } from '@rideline/auth/testing';
import { north } from './messages.ts';
import { TopicReader, type ReadRecord } from '@rideline/test-support';

/** Topic names (and a group) of their own for one test file, so files never see each other's records. */
export function scratchTopics(): { readonly env: Record<string, string>; readonly names: TopicNames; readonly group: string } {
  const run = randomUUID().slice(0, 8);
  const names = Object.fromEntries(TOPIC_IDS.map((id) => [id, `it-dispatch-${run}.${TOPICS[id].defaultName}`])) as Record<keyof TopicNames, string>;
  const group = `it-dispatch-${run}`;
  const env = { ...Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, names[id]])), DISPATCH_CONSUMER_GROUP: group };
  return { env, names, group };
}

/** Deletes a test file's scratch topics (and the groups given) at its end. */
export async function dropTopics(names: TopicNames, groups: readonly string[] = []): Promise<void> {
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  const admin = createKafkaClient({ brokers: testKafkaBrokers().split(','), clientId: 'dispatch-test-cleanup', logger: silent }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  if (groups.length > 0) await admin.deleteGroups([...groups]).catch(() => {});
  await admin.disconnect();
}

/** How many partitions each test topic has. */
export const TEST_PARTITIONS = 3;

/** dispatch-service in-process against the real broker, as main.ts runs it (but not listening). */
export async function startDispatch(env: Record<string, string>, options: DispatchSystemOptions = {}): Promise<DispatchSystem> {
  const config = readDispatchConfig({ KAFKA_BROKERS: testKafkaBrokers(), KAFKA_TOPIC_PARTITIONS: String(TEST_PARTITIONS), LOG_LEVEL: 'silent', ...env });
  return startDispatchSystem(config, createLogger('dispatch-service', process.env['TEST_LOG_LEVEL'] ?? 'silent'), options);
}

/** A dispatch instance, its keys, and a reader of what it publishes, on scratch topics. */
export interface Harness {
  readonly system: DispatchSystem;
  readonly jwks: TestIssuer;
  readonly topics: TopicNames;
  /** The shared group of the instance. */
  readonly group: string;
  readonly reader: TopicReader;
  publish<T extends 'bookingEvents' | 'driverLocations'>(topic: T, key: string, message: TopicMessage<T>): Promise<void>;
  /** The dispatch.offers records about one booking. */
  offersOf(bookingId: string): OfferRecord[];
  close(): Promise<void>;
}

interface OfferRecord {
  readonly type: 'BookingOffered' | 'OfferRevoked';
  readonly event_id: string;
  readonly key: string | null;
  readonly data: {
    readonly booking_id: string;
    readonly driver_id: string;
    readonly reason?: string;
    readonly distance_m?: number;
    readonly offered_at?: string;
  };
}

export async function startHarness(env: Record<string, string> = {}, scratch = scratchTopics(), options: DispatchSystemOptions = {}): Promise<Harness> {
  const { env: topicEnv, names } = scratch;
  const group = env['DISPATCH_CONSUMER_GROUP'] ?? scratch.group;
  const jwks = await new TestIssuer().start();
  const system = await startDispatch({ AUTH_JWKS_URL: jwks.url, ...topicEnv, ...env }, options);
  const reader = await TopicReader.start(system.kafka.kafka, [names.dispatchOffers, names.deadLetter, names.driverLocations]);
  await system.whenActive();
  return {
    system,
    jwks,
    topics: names,
    group,
    reader,
    publish: (topic, key, message) => system.kafka.publisher.publish([{ topic, key, message }]),
    offersOf: (bookingId) => offersIn(reader.records, names.dispatchOffers, bookingId),
    async close() {
      await reader.stop();
      await system.close();
      await jwks.stop();
    },
  };
}

function offersIn(records: readonly ReadRecord[], topic: string, bookingId: string): OfferRecord[] {
  return records
    .filter((r) => r.topic === topic)
    .map((r) => ({ ...(r.value as Omit<OfferRecord, 'key'>), key: r.key }))
    .filter((r) => r.data.booking_id === bookingId);
}

/** Distinct test areas, 100 km apart, so that the tests of one file do not see each other's drivers. */
export function areas() {
  let next = 0;
  return () => ({ lat: -30 + next++ * 0.9, lng: 20 });
}

export { north };
