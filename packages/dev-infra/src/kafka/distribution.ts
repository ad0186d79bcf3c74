import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEV_INFRA_DIR, ridelineCacheDir as defaultCacheDir } from '../paths.ts';
import { isProcessAlive, sleep } from './java.ts';

/**
 * The Kafka version used unless told otherwise: the newest release that kafkajs 2.2.4 was checked
 * against for real (see packages/dev-infra/KAFKA_VERSIONS.md). The one place it is set;
 * kafka/pom.xml carries the same default for manual runs (a unit test keeps them equal).
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** packages/dev-infra/kafka: the pom and the log4j2 configs. */
export const KAFKA_RESOURCES_DIR: string = path.join(DEV_INFRA_DIR, 'kafka');
export const KAFKA_POM: string = path.join(KAFKA_RESOURCES_DIR, 'pom.xml');

const MARKER_FILE = '.fetched.json';

export interface KafkaDistributionOptions {
  /** Kafka version; default `$RIDELINE_KAFKA_VERSION`, else DEFAULT_KAFKA_VERSION. */
  version?: string;
  /** Where `kafka-<version>/libs` goes; default `$RIDELINE_CACHE_DIR`, else `<repo root>/.cache`. */
  cacheDir?: string;
  /** Maven binary; default `$MVN`, else `mvn` from PATH. */
  mvn?: string;
  /** Progress messages (the fetch takes a while the first time); default: silent. */
  log?: (message: string) => void;
  /** Give up a fetch (or waiting for another process's fetch) after this long; default 15 min. */
  timeoutMs?: number;
}

export interface KafkaDistribution {
  version: string;
  /** `<cache>/kafka-<version>` */
  home: string;
  /** The folder with every jar of the broker and the tools. */
  libsDir: string;
  /** A java `-cp` value: `<libsDir>/*`. */
  classpath: string;
  /** log4j2 config for the broker: everything to `${kafka.logs.dir}/server.log`, errors to stderr. */
  log4jConfig: string;
  /** log4j2 config for the command-line tools: warnings to stderr. */
  toolsLog4jConfig: string;
}

interface FetchMarker {
  version: string;
  jars: number;
  fetchedAt: string;
  durationMs: number;
}

/** The version that ensureKafkaDistribution and startKafkaBroker use when given none. */
export function defaultKafkaVersion(): string {
  return process.env['RIDELINE_KAFKA_VERSION'] || DEFAULT_KAFKA_VERSION;
}

function describe(version: string, home: string): KafkaDistribution {
  const libsDir = path.join(home, 'libs');
  return {
    version,
    home,
    libsDir,
    classpath: path.join(libsDir, '*'),
    log4jConfig: path.join(KAFKA_RESOURCES_DIR, 'log4j2.xml'),
    toolsLog4jConfig: path.join(KAFKA_RESOURCES_DIR, 'tools-log4j2.xml'),
  };
}

/** Where a version lives in the cache, and whether it is complete, without fetching anything. */
export async function findKafkaDistribution(
  opts: Pick<KafkaDistributionOptions, 'version' | 'cacheDir'> = {},
): Promise<KafkaDistribution & { fetched: boolean }> {
  const version = opts.version ?? defaultKafkaVersion();
  const home = path.join(opts.cacheDir ?? defaultCacheDir(), `kafka-${version}`);
  return { ...describe(version, home), fetched: await isComplete(home, version) };
}

async function isComplete(home: string, version: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(path.join(home, MARKER_FILE), 'utf8')) as FetchMarker;
    return marker.version === version && existsSync(path.join(home, 'libs', `kafka_2.13-${version}.jar`));
  } catch {
    return false;
  }
}

/**
 * Make sure the jars of Kafka `version` (broker, storage tool, command-line tools, log4j2) are in
 * the cache, fetching them from Maven Central with `mvn dependency:copy-dependencies` the first
 * time. A marker file written after a complete fetch makes later calls return at once; a lock
 * keeps concurrent callers (parallel test runs) from fetching twice.
 */
export async function ensureKafkaDistribution(opts: KafkaDistributionOptions = {}): Promise<KafkaDistribution> {
  const version = opts.version ?? defaultKafkaVersion();
  if (!/^\d+\.\d+\.\d+(?:[-.][0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`Not a Kafka version: ${JSON.stringify(version)}`);
  }
  const root = path.resolve(opts.cacheDir ?? defaultCacheDir());
  const home = path.join(root, `kafka-${version}`);
  const dist = describe(version, home);
  if (await isComplete(home, version)) return dist;

  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const deadline = Date.now() + timeoutMs;
  await mkdir(root, { recursive: true });
  const lockDir = `${home}.lock`;
  const ownerFile = path.join(lockDir, 'owner');
  let waited = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Someone else is fetching: wait for them, or take over if they died.
    if (await isComplete(home, version)) return dist;
    const owner = Number(await readFile(ownerFile, 'utf8').catch(() => 'NaN'));
    const ownerDied = Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner);
    // A lock without an owner file is only young while its owner writes that file.
    const orphaned = !Number.isInteger(owner) && Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? 0) > 60_000;
    if (ownerDied || orphaned) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another process to fetch Kafka ${version} (lock ${lockDir})`);
    }
    if (!waited) {
      opts.log?.(`Waiting for another process fetching Kafka ${version} into ${home} ...`);
      waited = true;
    }
    await sleep(500);
  }

  try {
    if (await isComplete(home, version)) return dist;
    const started = Date.now();
    opts.log?.(`Fetching Kafka ${version} from Maven Central into ${dist.libsDir} (once) ...`);
    await mkdir(home, { recursive: true });
    const partial = path.join(home, `libs.partial-${process.pid}`);
    await rm(partial, { recursive: true, force: true });
    await runMaven(opts.mvn ?? process.env['MVN'] ?? 'mvn', version, partial, deadline - Date.now());
    const jars = (await readdir(partial)).filter((f) => f.endsWith('.jar'));
    if (!jars.includes(`kafka_2.13-${version}.jar`) || !jars.includes(`kafka-tools-${version}.jar`)) {
      throw new Error(`Maven finished but ${partial} lacks kafka_2.13-${version}.jar or kafka-tools-${version}.jar`);
    }
    await rm(dist.libsDir, { recursive: true, force: true });
    await rename(partial, dist.libsDir);
    const marker: FetchMarker = {
      version,
      jars: jars.length,
      fetchedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
    };
    await writeFile(path.join(home, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
    opts.log?.(`Fetched Kafka ${version}: ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return dist;
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

function runMaven(mvn: string, version: string, outputDir: string, timeoutMs: number): Promise<void> {
  const args = ['-q', '-B', '-f', KAFKA_POM, `-Dkafka.version=${version}`, `-DoutputDirectory=${outputDir}`, 'dependency:copy-dependencies'];
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(timeoutMs, 1_000));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`Maven (${mvn}) is not installed or not on PATH; it fetches the Kafka jars (apt-get install maven)`) : error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      reject(
        new Error(
          `${mvn} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}); is Kafka ${version} on Maven Central?\n` +
            output.trim().split('\n').slice(-30).join('\n'),
        ),
      );
    });
  });
}
