import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ensureKafkaDistribution } from './distribution.ts';
import type { KafkaDistribution, KafkaDistributionOptions } from './distribution.ts';
import { resolveJava, splitJvmOptions } from './java.ts';

/** Where the bootstrap address goes for a tool that needs one. */
type BootstrapPlacement =
  /** `--bootstrap-server X` before the user's arguments (joptsimple tools, argparse4j top-level options). */
  | 'prepend'
  /** after them (argparse4j tools whose option belongs to the sub-command, e.g. `cluster cluster-id`). */
  | 'append'
  /** the tool takes no bootstrap address (it reads files, or takes it positionally). */
  | 'none';

export interface KafkaTool {
  /** The sub-command: `pnpm kafka <name>`; Kafka's own script is `kafka-<name>.sh`. */
  name: string;
  mainClass: string;
  bootstrap: BootstrapPlacement;
  description: string;
  /** First Kafka version that has the class, where newer than 4.0. */
  since?: string;
}

/**
 * Kafka's command-line tools by the name of their `bin/kafka-*.sh` script, with the main class
 * that script runs. The classes were checked against the jars of DEFAULT_KAFKA_VERSION
 * (test/kafka-tools.int.test.ts checks every one).
 */
export const KAFKA_TOOLS: readonly KafkaTool[] = [
  { name: 'topics', mainClass: 'org.apache.kafka.tools.TopicCommand', bootstrap: 'prepend', description: 'Create, list, describe, alter and delete topics' },
  {
    name: 'consumer-groups',
    mainClass: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    bootstrap: 'prepend',
    description: 'List and describe consumer groups, reset and delete their offsets',
  },
  {
    name: 'console-consumer',
    mainClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    bootstrap: 'prepend',
    description: 'Print records of a topic to stdout',
  },
  {
    name: 'console-producer',
    mainClass: 'org.apache.kafka.tools.ConsoleProducer',
    bootstrap: 'prepend',
    description: 'Send lines of stdin as records to a topic',
  },
  {
    name: 'get-offsets',
    mainClass: 'org.apache.kafka.tools.GetOffsetShell',
    bootstrap: 'prepend',
    description: 'Earliest/latest/by-time offsets of topic partitions',
  },
  {
    name: 'configs',
    mainClass: 'org.apache.kafka.tools.ConfigCommand',
    bootstrap: 'prepend',
    description: 'Describe and alter topic, broker, client and group configs',
  },
  {
    name: 'dump-log',
    mainClass: 'org.apache.kafka.tools.DumpLogSegments',
    bootstrap: 'none',
    description: 'Print the records of log segment files (--files ...)',
  },
  {
    name: 'delete-records',
    mainClass: 'org.apache.kafka.tools.DeleteRecordsCommand',
    bootstrap: 'prepend',
    description: 'Delete records up to an offset (--offset-json-file)',
  },
  { name: 'log-dirs', mainClass: 'org.apache.kafka.tools.LogDirsCommand', bootstrap: 'prepend', description: 'Describe log dirs and partition sizes' },
  {
    name: 'leader-election',
    mainClass: 'org.apache.kafka.tools.LeaderElectionCommand',
    bootstrap: 'prepend',
    description: 'Run preferred or unclean leader elections',
  },
  {
    name: 'reassign-partitions',
    mainClass: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
    bootstrap: 'prepend',
    description: 'Move partition replicas',
  },
  { name: 'acls', mainClass: 'org.apache.kafka.tools.AclCommand', bootstrap: 'prepend', description: 'Manage ACLs' },
  {
    name: 'broker-api-versions',
    mainClass: 'org.apache.kafka.tools.BrokerApiVersionsCommand',
    bootstrap: 'prepend',
    description: 'API versions each broker supports',
  },
  {
    name: 'metadata-quorum',
    mainClass: 'org.apache.kafka.tools.MetadataQuorumCommand',
    bootstrap: 'prepend',
    description: 'Describe the KRaft quorum (describe --status|--replication)',
  },
  {
    name: 'features',
    mainClass: 'org.apache.kafka.tools.FeatureCommand',
    bootstrap: 'prepend',
    description: 'Describe, upgrade and downgrade feature versions',
  },
  { name: 'transactions', mainClass: 'org.apache.kafka.tools.TransactionsCommand', bootstrap: 'prepend', description: 'List, describe and abort transactions' },
  {
    name: 'cluster',
    mainClass: 'org.apache.kafka.tools.ClusterTool',
    bootstrap: 'append',
    description: 'Cluster id, endpoints, broker unregistration (cluster-id|list-endpoints|...)',
  },
  { name: 'delegation-tokens', mainClass: 'org.apache.kafka.tools.DelegationTokenCommand', bootstrap: 'prepend', description: 'Manage delegation tokens' },
  {
    name: 'client-metrics',
    mainClass: 'org.apache.kafka.tools.ClientMetricsCommand',
    bootstrap: 'prepend',
    description: 'Manage client metrics subscriptions',
  },
  {
    name: 'groups',
    mainClass: 'org.apache.kafka.tools.GroupsCommand',
    bootstrap: 'prepend',
    description: 'List groups of every type (consumer, share, streams)',
    since: '4.1.0',
  },
  {
    name: 'share-groups',
    mainClass: 'org.apache.kafka.tools.consumer.group.ShareGroupCommand',
    bootstrap: 'prepend',
    description: 'List and describe share groups',
  },
  {
    name: 'streams-groups',
    mainClass: 'org.apache.kafka.tools.streams.StreamsGroupCommand',
    bootstrap: 'prepend',
    description: 'List and describe streams groups',
    since: '4.1.0',
  },
  {
    name: 'console-share-consumer',
    mainClass: 'org.apache.kafka.tools.consumer.ConsoleShareConsumer',
    bootstrap: 'prepend',
    description: 'Print records of a topic via a share group',
  },
  { name: 'producer-perf-test', mainClass: 'org.apache.kafka.tools.ProducerPerformance', bootstrap: 'prepend', description: 'Producer throughput test' },
  { name: 'consumer-perf-test', mainClass: 'org.apache.kafka.tools.ConsumerPerformance', bootstrap: 'prepend', description: 'Consumer throughput test' },
  {
    name: 'verifiable-producer',
    mainClass: 'org.apache.kafka.tools.VerifiableProducer',
    bootstrap: 'prepend',
    description: 'Produce a sequence of integers, reporting acks as JSON',
  },
  {
    name: 'verifiable-consumer',
    mainClass: 'org.apache.kafka.tools.VerifiableConsumer',
    bootstrap: 'prepend',
    description: 'Consume in a group, reporting events as JSON',
  },
  {
    name: 'e2e-latency',
    mainClass: 'org.apache.kafka.tools.EndToEndLatency',
    bootstrap: 'none',
    description: 'End-to-end latency (positional: broker_list topic num_messages acks size)',
  },
  { name: 'storage', mainClass: 'kafka.tools.StorageTool', bootstrap: 'none', description: 'Format and inspect KRaft storage (info|format|random-uuid|...)' },
];

export function findKafkaTool(name: string): KafkaTool | undefined {
  return KAFKA_TOOLS.find((tool) => tool.name === name);
}

/** The bootstrap address tools get unless told otherwise: `$KAFKA_BROKERS`, else 127.0.0.1:9092. */
export function defaultKafkaBrokers(): string {
  return process.env['KAFKA_BROKERS']?.trim() || '127.0.0.1:9092';
}

const BOOTSTRAP_FLAGS = ['--bootstrap-server', '--bootstrap-controller', '--broker-list'];
const HELP_FLAGS = new Set(['--help', '-h', '--version', '-v']);

/**
 * The tool's arguments with `--bootstrap-server <brokers>` added, unless the tool takes no
 * bootstrap address, or the user passed one (or `--bootstrap-controller`), or asked for help.
 */
export function withBootstrapServer(tool: KafkaTool, args: readonly string[], brokers: string): string[] {
  if (tool.bootstrap === 'none') return [...args];
  const given = args.some(
    (arg) =>
      BOOTSTRAP_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)) ||
      (tool.name === 'cluster' && (arg === '-b' || arg.startsWith('-b='))) ||
      (tool.name === 'producer-perf-test' && /bootstrap\.servers=/.test(arg)),
  );
  if (given || args.some((arg) => HELP_FLAGS.has(arg))) return [...args];
  return tool.bootstrap === 'prepend' ? ['--bootstrap-server', brokers, ...args] : [...args, '--bootstrap-server', brokers];
}

export interface KafkaToolCommand {
  command: string;
  args: string[];
}

/** The java command line that runs `tool` with `args` (bootstrap address added as above). */
export function kafkaToolCommand(dist: KafkaDistribution, tool: KafkaTool, args: readonly string[], brokers: string = defaultKafkaBrokers()): KafkaToolCommand {
  const heapOpts = process.env['KAFKA_HEAP_OPTS'] ?? '-Xmx512m';
  // Short-lived tools: start fast rather than peak later.
  const performanceOpts = process.env['KAFKA_JVM_PERFORMANCE_OPTS'] ?? '-XX:+UseSerialGC -XX:TieredStopAtLevel=1';
  return {
    command: resolveJava(),
    args: [
      ...splitJvmOptions(heapOpts),
      ...splitJvmOptions(performanceOpts),
      `-Dlog4j2.configurationFile=${dist.toolsLog4jConfig}`,
      '-Djava.awt.headless=true',
      ...splitJvmOptions(process.env['KAFKA_OPTS']),
      '-cp',
      dist.classpath,
      tool.mainClass,
      ...withBootstrapServer(tool, args, brokers),
    ],
  };
}

export interface RunKafkaToolOptions extends Pick<KafkaDistributionOptions, 'version' | 'cacheDir' | 'log'> {
  /** Default `$KAFKA_BROKERS`, else 127.0.0.1:9092. */
  brokers?: string;
}

/**
 * Run one of Kafka's command-line tools with stdio inherited; resolves to its exit code
 * (128 + signal number if it was killed by a signal).
 */
export async function runKafkaTool(name: string, args: readonly string[], opts: RunKafkaToolOptions = {}): Promise<number> {
  const tool = findKafkaTool(name);
  if (!tool) throw new Error(`Unknown Kafka tool ${JSON.stringify(name)}; known: ${KAFKA_TOOLS.map((t) => t.name).join(', ')}`);
  const dist = await ensureKafkaDistribution({
    ...(opts.version !== undefined && { version: opts.version }),
    ...(opts.cacheDir !== undefined && { cacheDir: opts.cacheDir }),
    ...(opts.log !== undefined && { log: opts.log }),
  });
  const { command, args: javaArgs } = kafkaToolCommand(dist, tool, args, opts.brokers ?? defaultKafkaBrokers());
  return new Promise((resolve, reject) => {
    const child = spawn(command, javaArgs, { stdio: 'inherit' });
    // Ctrl-C reaches the tool directly (same process group): let it shut down and report its code.
    const onSigint = (): void => undefined;
    const forward = (signal: NodeJS.Signals) => (): void => {
      child.kill(signal);
    };
    const onSigterm = forward('SIGTERM');
    const onSighup = forward('SIGHUP');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('SIGHUP', onSighup);
    const cleanup = (): void => {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
      process.removeListener('SIGHUP', onSighup);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(error.code === 'ENOENT' ? new Error(`Java (${command}) not found: install Java 17+ or set JAVA_HOME`) : error);
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (code !== null) return resolve(code);
      resolve(128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
