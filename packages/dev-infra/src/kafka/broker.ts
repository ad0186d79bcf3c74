import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ridelineDataDir } from '../paths.ts';
import { ensureKafkaDistribution } from './distribution.ts';
import type { KafkaDistribution, KafkaDistributionOptions } from './distribution.ts';
import { isProcessAlive, isProcessRunning, resolveJava, sleep, splitJvmOptions, tailFile, waitForPidExit } from './java.ts';

/** The only address the local broker listens on and advertises. */
export const KAFKA_HOST = '127.0.0.1';
export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
/** JVM heap of the broker unless `heapOpts` or `$KAFKA_HEAP_OPTS` say otherwise. */
export const DEFAULT_KAFKA_HEAP_OPTS = '-Xms256m -Xmx512m';

const BROKER_MAIN_CLASS = 'kafka.Kafka';
const STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool';

export interface StartKafkaBrokerOptions extends Pick<KafkaDistributionOptions, 'version' | 'cacheDir' | 'mvn'> {
  /** Client (PLAINTEXT) port on 127.0.0.1; default 9092. */
  port?: number;
  /** KRaft controller port on 127.0.0.1; default 9093. Fixed once the data dir is formatted. */
  controllerPort?: number;
  /** Broker state: server.properties, the KRaft log dirs (`kraft/`), pid and state files. */
  dataDir: string;
  /** Broker logs (server.log, kafka.out); default `<dataDir>/logs`. */
  logDir?: string;
  /** JVM heap options; default `$KAFKA_HEAP_OPTS`, else DEFAULT_KAFKA_HEAP_OPTS. */
  heapOpts?: string;
  /** Extra or overriding server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  /**
   * SCRAM-SHA-512 users written into the storage when it is formatted (KRaft keeps SCRAM
   * credentials in its metadata log), for brokers whose `properties` add a SASL listener.
   */
  scramUsers?: readonly { readonly name: string; readonly password: string }[];
  /** How long to wait for the broker to answer; default 120 s. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL; default 30 s. */
  stopTimeoutMs?: number;
  /**
   * Start the broker in its own process group so that it outlives this process, with a pid file
   * in the data dir (what `pnpm kafka broker start` does). Otherwise the broker is stopped when this
   * process exits.
   */
  detached?: boolean;
  /** Progress messages; default: silent. */
  log?: (message: string) => void;
}

export interface RunningKafkaBroker {
  /** Bootstrap addresses, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  pid: number;
  version: string;
  dataDir: string;
  /** The broker's own log (log4j2). */
  logFile: string;
  /** SIGTERM, wait for a clean exit, SIGKILL after the stop timeout. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `<dataDir>/broker.json` records about the broker that owns the data dir. */
export interface KafkaBrokerState {
  version: string;
  port: number;
  controllerPort: number;
  clusterId: string;
  logDir: string;
  pid?: number;
  startedAt?: string;
}

export interface KafkaBrokerStatus {
  /** A broker process started from this data dir (pid file) is alive. */
  running: boolean;
  pid?: number;
  /** Something answers Kafka's protocol at `brokers`. */
  reachable: boolean;
  brokers: string[];
  version?: string;
  dataDir: string;
  logFile?: string;
}

/**
 * The data dir of the long-running broker that `pnpm kafka broker start` manages:
 * `$RIDELINE_KAFKA_DATA_DIR`, else `<repo root>/.data/kafka` (gitignored).
 */
export function defaultKafkaDataDir(): string {
  const fromEnv = process.env['RIDELINE_KAFKA_DATA_DIR'];
  return fromEnv ? path.resolve(fromEnv) : path.join(ridelineDataDir(), 'kafka');
}

const PID_FILE = 'kafka.pid';
const STATE_FILE = 'broker.json';

/** Files of a broker data dir. */
export function kafkaBrokerFiles(dataDir: string, logDir?: string) {
  const dir = path.resolve(dataDir);
  const logs = path.resolve(logDir ?? path.join(dir, 'logs'));
  return {
    dataDir: dir,
    logDir: logs,
    serverProperties: path.join(dir, 'server.properties'),
    kraftDir: path.join(dir, 'kraft'),
    pidFile: path.join(dir, PID_FILE),
    stateFile: path.join(dir, STATE_FILE),
    serverLog: path.join(logs, 'server.log'),
    stdoutLog: path.join(logs, 'kafka.out'),
  };
}

/**
 * Whether a Kafka broker answers at `brokers` (admin describeCluster lists at least one broker).
 * Never throws.
 */
export async function isKafkaReachable(brokers: string[] | string, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  const list =
    typeof brokers === 'string'
      ? brokers
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : brokers;
  if (list.length === 0) return false;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const kafka = new Kafka({
    clientId: 'rideline-dev-infra-probe',
    brokers: list,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = (async (): Promise<boolean> => {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  })().catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/** A TCP port on 127.0.0.1 that is free right now (for tests). */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, KAFKA_HOST, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: KAFKA_HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A cluster id as Kafka's `kafka-storage random-uuid` makes it: 16 random bytes, base64url. */
export function randomClusterId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    // Kafka reserves the all-zero and 0...01 uuids and never hands out ids starting with '-'.
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && (bytes[15] ?? 0) <= 1;
    if (!id.startsWith('-') && !reserved) return id;
  }
}

/** The server.properties of the local single-node KRaft broker (combined broker + controller). */
export function kafkaServerProperties(opts: {
  port: number;
  controllerPort: number;
  kraftDir: string;
  properties?: Record<string, string | number | boolean>;
}): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `${KAFKA_HOST}:${opts.controllerPort}`,
    listeners: `PLAINTEXT://${KAFKA_HOST}:${opts.port},CONTROLLER://${KAFKA_HOST}:${opts.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${KAFKA_HOST}:${opts.port},CONTROLLER://${KAFKA_HOST}:${opts.controllerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': opts.kraftDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.retention.hours': 168,
    'log.segment.bytes': 64 * 1024 * 1024,
    ...opts.properties,
  };
  const lines = Object.entries(props).map(([key, value]) => `${key}=${String(value)}`);
  return `# Written by @rideline/dev-infra (startKafkaBroker); rewritten on every start.\n${lines.join('\n')}\n`;
}

function jvmBaseArgs(dist: KafkaDistribution, logDir: string, log4jConfig: string): string[] {
  return [
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    `-Dkafka.logs.dir=${logDir}`,
    '-Djava.awt.headless=true',
    ...splitJvmOptions(process.env['KAFKA_OPTS']),
    '-cp',
    dist.classpath,
  ];
}

function runJava(java: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`Java (${java}) not found: install Java 17+ or set JAVA_HOME`) : error),
    );
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function readState(stateFile: string): Promise<KafkaBrokerState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8')) as KafkaBrokerState;
  } catch {
    return undefined;
  }
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function brokerLogTail(files: ReturnType<typeof kafkaBrokerFiles>): Promise<string> {
  const parts: string[] = [];
  const server = await tailFile(files.serverLog, 30);
  if (server) parts.push(`--- tail of ${files.serverLog} ---\n${server}`);
  const out = await tailFile(files.stdoutLog, 15);
  if (out) parts.push(`--- tail of ${files.stdoutLog} ---\n${out}`);
  return parts.length > 0 ? `\n${parts.join('\n')}` : ' (no broker log was written)';
}

/**
 * Start a real single-node KRaft Kafka broker (combined broker and controller, node.id 1) on
 * 127.0.0.1 from the Maven Central jars: fetches them once, writes server.properties, formats the
 * storage on first use, spawns `java kafka.Kafka` and resolves once the broker answers an admin
 * describeCluster. Fails with the tail of the broker log if the process exits or the start timeout
 * passes.
 */
export async function startKafkaBroker(opts: StartKafkaBrokerOptions): Promise<RunningKafkaBroker> {
  const files = kafkaBrokerFiles(opts.dataDir, opts.logDir);
  const formatted = existsSync(path.join(files.kraftDir, 'meta.properties'));
  const previous = await readState(files.stateFile);
  const port = opts.port ?? DEFAULT_KAFKA_PORT;
  // The controller's address is part of the formatted quorum state: keep using the one it got.
  const controllerPort = opts.controllerPort ?? (formatted && previous ? previous.controllerPort : DEFAULT_KAFKA_CONTROLLER_PORT);
  if (port === controllerPort) throw new Error(`Kafka port and controller port must differ (both ${port})`);
  const log = opts.log ?? (() => undefined);
  const brokers = [`${KAFKA_HOST}:${port}`];

  const dist = await ensureKafkaDistribution({
    ...(opts.version !== undefined && { version: opts.version }),
    ...(opts.cacheDir !== undefined && { cacheDir: opts.cacheDir }),
    ...(opts.mvn !== undefined && { mvn: opts.mvn }),
    log,
  });
  const java = resolveJava();
  await mkdir(files.dataDir, { recursive: true });
  await mkdir(files.logDir, { recursive: true });

  const previousPid = await readPid(files.pidFile);
  if (previousPid !== undefined && (await isProcessRunning(previousPid, BROKER_MAIN_CLASS))) {
    throw new Error(`A Kafka broker (pid ${previousPid}) already runs from ${files.dataDir}; stop it first (pnpm kafka broker stop)`);
  }
  for (const p of [port, controllerPort]) {
    if (!(await isPortFree(p))) {
      throw new Error(`${KAFKA_HOST}:${p} is already in use (another Kafka broker? try \`pnpm kafka broker status\`), so the Kafka broker cannot listen there`);
    }
  }

  if (formatted && previous && previous.controllerPort !== controllerPort) {
    throw new Error(
      `${files.dataDir} was formatted for controller port ${previous.controllerPort}, not ${controllerPort}: ` +
        'start with that controller port, or delete the data dir to start afresh',
    );
  }
  await writeFile(
    files.serverProperties,
    kafkaServerProperties({
      port,
      controllerPort,
      kraftDir: files.kraftDir,
      ...(opts.properties !== undefined && { properties: opts.properties }),
    }),
  );

  let clusterId = previous?.clusterId ?? '';
  if (!formatted) {
    clusterId = randomClusterId();
    log(`Formatting KRaft storage in ${files.kraftDir} (cluster id ${clusterId}) ...`);
    await rm(files.kraftDir, { recursive: true, force: true });
    const result = await runJava(
      java,
      [
        ...jvmBaseArgs(dist, files.logDir, dist.toolsLog4jConfig),
        STORAGE_TOOL_CLASS,
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        files.serverProperties,
        '--standalone',
        ...(opts.scramUsers ?? []).flatMap((user) => ['--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`]),
      ],
      files.dataDir,
    );
    if (result.code !== 0) {
      throw new Error(`kafka-storage format failed (exit code ${result.code}):\n${result.output.trim()}`);
    }
  }

  const heapOpts = opts.heapOpts ?? process.env['KAFKA_HEAP_OPTS'] ?? DEFAULT_KAFKA_HEAP_OPTS;
  const performanceOpts =
    process.env['KAFKA_JVM_PERFORMANCE_OPTS'] ??
    '-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError';
  const args = [
    ...splitJvmOptions(heapOpts),
    ...splitJvmOptions(performanceOpts),
    `-Drideline.kafka.dataDir=${files.dataDir}`,
    ...jvmBaseArgs(dist, files.logDir, dist.log4jConfig),
    BROKER_MAIN_CLASS,
    files.serverProperties,
  ];

  const outFd = openSync(files.stdoutLog, 'a');
  let child: ChildProcess;
  try {
    child = spawn(java, args, {
      cwd: files.dataDir,
      stdio: ['ignore', outFd, outFd],
      // Always its own process group: a terminal's Ctrl-C then reaches only our process, which
      // stops the broker after the services using it have closed (an attached broker is still
      // stopped when we exit, below).
      detached: true,
    });
  } finally {
    closeSync(outFd);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid;
  if (pid === undefined) {
    const error = await spawnError;
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(`Java (${java}) not found: install Java 17+ or set JAVA_HOME`) : error;
  }
  log(`Started Kafka ${dist.version} broker (pid ${pid}) on ${brokers.join(',')}; log: ${files.serverLog}`);

  // An attached broker must not outlive us: stop it when this process exits.
  const killOnExit = (): void => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  if (opts.detached) {
    child.unref();
    await writeFile(files.pidFile, `${pid}\n`);
  } else {
    process.once('exit', killOnExit);
  }
  const state: KafkaBrokerState = {
    version: dist.version,
    port,
    controllerPort,
    clusterId,
    logDir: files.logDir,
    pid,
    startedAt: new Date().toISOString(),
  };
  await writeFile(files.stateFile, `${JSON.stringify(state, null, 2)}\n`);

  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(stopTimeoutMs).then(() => false)]);
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      if (opts.detached && (await readPid(files.pidFile)) === pid) await rm(files.pidFile, { force: true });
    })();
    return stopping;
  };

  // Wait until it really answers, or it dies, or the timeout passes.
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  const started = Date.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => {
    exit = e;
  });
  for (;;) {
    if (exit) {
      await stop();
      throw new Error(`The Kafka broker exited during start-up (${exit.signal ?? `exit code ${exit.code}`})${await brokerLogTail(files)}`);
    }
    if (await isKafkaReachable(brokers, { timeoutMs: 3_000 })) break;
    if (Date.now() - started > startTimeoutMs) {
      await stop();
      throw new Error(`The Kafka broker did not answer at ${brokers.join(',')} within ${Math.round(startTimeoutMs / 1000)} s${await brokerLogTail(files)}`);
    }
    await Promise.race([sleep(250), exited]);
  }
  log(`Kafka broker ready at ${brokers.join(',')} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  return { brokers, pid, version: dist.version, dataDir: files.dataDir, logFile: files.serverLog, stop };
}

export interface DetachedKafkaBrokerResult extends Omit<RunningKafkaBroker, 'stop'> {
  /** True if a broker from this data dir was already running (nothing was started). */
  alreadyRunning: boolean;
}

/**
 * `pnpm kafka broker start`: start a broker that outlives this process (pid file in the data dir),
 * or return the one already running from that data dir. Resolves once it answers.
 */
export async function startDetachedKafkaBroker(opts: Omit<StartKafkaBrokerOptions, 'detached'>): Promise<DetachedKafkaBrokerResult> {
  const files = kafkaBrokerFiles(opts.dataDir, opts.logDir);
  const pid = await readPid(files.pidFile);
  if (pid !== undefined && (await isProcessRunning(pid, BROKER_MAIN_CLASS))) {
    const state = await readState(files.stateFile);
    const brokers = [`${KAFKA_HOST}:${state?.port ?? opts.port ?? DEFAULT_KAFKA_PORT}`];
    // It may still be starting: give it the start timeout to answer.
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    while (!(await isKafkaReachable(brokers, { timeoutMs: 3_000 }))) {
      if (!isProcessAlive(pid)) throw new Error(`The Kafka broker (pid ${pid}) died${await brokerLogTail(files)}`);
      if (Date.now() > deadline) {
        throw new Error(`The Kafka broker (pid ${pid}) runs but does not answer at ${brokers.join(',')}${await brokerLogTail(files)}`);
      }
      await sleep(500);
    }
    return {
      alreadyRunning: true,
      brokers,
      pid,
      version: state?.version ?? 'unknown',
      dataDir: files.dataDir,
      logFile: path.join(state?.logDir ?? files.logDir, 'server.log'),
    };
  }
  const { stop: _stop, ...broker } = await startKafkaBroker({ ...opts, detached: true });
  return { ...broker, alreadyRunning: false };
}

/**
 * `pnpm kafka broker stop`: stop the detached broker of a data dir (SIGTERM, then SIGKILL after
 * `timeoutMs`). Resolves to the pid stopped, or undefined if none was running.
 */
export async function stopDetachedKafkaBroker(opts: { dataDir: string; timeoutMs?: number }): Promise<number | undefined> {
  const files = kafkaBrokerFiles(opts.dataDir);
  const pid = await readPid(files.pidFile);
  if (pid === undefined) return undefined;
  if (!(await isProcessRunning(pid, BROKER_MAIN_CLASS))) {
    await rm(files.pidFile, { force: true });
    return undefined;
  }
  process.kill(pid, 'SIGTERM');
  if (!(await waitForPidExit(pid, opts.timeoutMs ?? 30_000))) {
    process.kill(pid, 'SIGKILL');
    await waitForPidExit(pid, 10_000);
  }
  await rm(files.pidFile, { force: true });
  return pid;
}

/** `pnpm kafka broker status`: the detached broker of a data dir, and whether Kafka answers. */
export async function kafkaBrokerStatus(opts: { dataDir: string; port?: number }): Promise<KafkaBrokerStatus> {
  const files = kafkaBrokerFiles(opts.dataDir);
  const state = await readState(files.stateFile);
  const pid = await readPid(files.pidFile);
  const running = pid !== undefined && (await isProcessRunning(pid, BROKER_MAIN_CLASS));
  const brokers = [`${KAFKA_HOST}:${opts.port ?? state?.port ?? DEFAULT_KAFKA_PORT}`];
  return {
    running,
    ...(running && { pid }),
    reachable: await isKafkaReachable(brokers, { timeoutMs: 3_000 }),
    brokers,
    ...(state && { version: state.version, logFile: path.join(state.logDir, 'server.log') }),
    dataDir: files.dataDir,
  };
}
