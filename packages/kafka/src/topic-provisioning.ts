import { TOPICS, type TopicDefinition, type TopicId, type TopicNames } from '@rideline/contracts';
import type { Admin } from 'kafkajs';
import { isTransientKafkaError } from './errors.ts';
import { ConfigResourceTypes } from './kafkajs.ts';

export interface TopicLayout {
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface ProvisioningReport {
  readonly created: readonly string[];
  readonly reconfigured: readonly string[];
}

/**
 * Creates the topics of API.md that are missing and makes sure each has its cleanup policy
 * (compaction for `driver.locations`, with its compaction lag). Safe to run from every service at every start: existing
 * topics keep their partitions and data, and two services racing to create one is fine.
 */
export async function ensureTopics(
  admin: Admin,
  names: TopicNames,
  layout: TopicLayout,
  ids: readonly TopicId[] = Object.keys(names) as TopicId[],
): Promise<ProvisioningReport> {
  // Services start together and race to create the same topics; on a busy broker a topic just
  // created by another may answer "does not host this topic-partition" for longer than kafkajs
  // retries (a CI run saw a service exit on it). Each pass is safe to repeat.
  const deadline = Date.now() + PROVISIONING_TIMEOUT_MS;
  const created = new Set<string>();
  const reconfigured = new Set<string>();
  for (;;) {
    try {
      await provisionOnce(admin, names, layout, ids, { created, reconfigured });
      return { created: [...created], reconfigured: [...reconfigured] };
    } catch (error) {
      if (!isTransientKafkaError(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, PROVISIONING_RETRY_MS));
    }
  }
}

async function provisionOnce(
  admin: Admin,
  names: TopicNames,
  layout: TopicLayout,
  ids: readonly TopicId[],
  report: { readonly created: Set<string>; readonly reconfigured: Set<string> },
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = ids.filter((id) => !existing.has(names[id]));
  if (missing.length > 0) {
    await admin.createTopics({
      // untilServed below waits for the leaders, retrying what clears up; kafkajs' own wait
      // gives up with a timeout that would end start-up.
      waitForLeaders: false,
      topics: missing.map((id) => ({
        topic: names[id],
        numPartitions: layout.partitions,
        replicationFactor: layout.replicationFactor,
        configEntries: topicConfig(id),
      })),
    });
    for (const id of missing) report.created.add(names[id]);
  }
  const fixed = await fixCleanupPolicies(
    admin,
    names,
    ids.filter((id) => existing.has(names[id])),
  );
  for (const name of fixed) report.reconfigured.add(name);
  await untilServed(
    admin,
    ids.map((id) => names[id]),
  );
}

/** How long provisioning keeps retrying what clears up by itself (see `isTransientKafkaError`). */
const PROVISIONING_TIMEOUT_MS = 60_000;
const PROVISIONING_RETRY_MS = 250;

/** kafkajs' `ConfigSource.TOPIC_CONFIG`: a setting made on the topic itself (its enum is a type only). */
const TOPIC_CONFIG_SOURCE = 1;

/** How long a fresh topic may take to get leaders for all its partitions. */
const LEADERS_TIMEOUT_MS = 30_000;

/**
 * Waits until every partition of `topics` answers for its offsets. A topic another service has
 * just created is listed before its partitions have leaders; reading it then fails with
 * "not the leader for that topic-partition", which made a fresh `pnpm start` fail.
 */
async function untilServed(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (!isTransientKafkaError(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

/** The settings of API.md's topics that provisioning owns: the cleanup policy, and the compaction lag where one is set. */
function topicConfig(id: TopicId): { name: string; value: string }[] {
  const { cleanupPolicy, minCompactionLagMs }: TopicDefinition = TOPICS[id];
  return [
    { name: 'cleanup.policy', value: cleanupPolicy },
    ...(minCompactionLagMs === undefined ? [] : [{ name: 'min.compaction.lag.ms', value: String(minCompactionLagMs) }]),
  ];
}

async function fixCleanupPolicies(admin: Admin, names: TopicNames, ids: readonly TopicId[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // Every setting of each topic, to keep the overrides an operator set (retention, segments).
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: ids.map((id) => ({ type: ConfigResourceTypes.TOPIC, name: names[id] })),
  });
  const entriesOf = (id: TopicId) => resources.find((r) => r.resourceName === names[id])?.configEntries ?? [];
  const wrong = ids.filter((id) => topicConfig(id).some(({ name, value }) => entriesOf(id).find((e) => e.configName === name)?.configValue !== value));
  if (wrong.length > 0) {
    // alterConfigs (kafkajs has no incremental form) replaces the topic's whole set of overrides:
    // the topic's own overrides are sent again, with ours over them.
    await admin.alterConfigs({
      validateOnly: false,
      resources: wrong.map((id) => {
        const owned = topicConfig(id);
        const kept = entriesOf(id)
          .filter((e) => e.configSource === TOPIC_CONFIG_SOURCE && !e.isSensitive && !owned.some((o) => o.name === e.configName))
          .map((e) => ({ name: e.configName, value: e.configValue }));
        return { type: ConfigResourceTypes.TOPIC, name: names[id], configEntries: [...kept, ...owned] };
      }),
    });
  }
  return wrong.map((id) => names[id]);
}
