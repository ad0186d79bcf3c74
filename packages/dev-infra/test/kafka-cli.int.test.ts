/**
 * `pnpm kafka`: the detached broker's lifecycle (start, idempotent start, status, stop) and Kafka's
 * own tools run through the CLI against it. Always starts its own broker in a temp dir on free
 * ports (it tests starting one), whatever KAFKA_BROKERS says.
 */
import { spawn } from 'node:child_process';
import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, isKafkaReachable, stopDetachedKafkaBroker } from '../src/kafka/broker.ts';
import { ensureKafkaDistribution } from '../src/kafka/distribution.ts';
import { KAFKA_TOOLS } from '../src/kafka/tools.ts';
import { listJarEntries } from './helpers/jar.ts';
import { uniqueName } from './helpers/broker.ts';

const CLI = fileURLToPath(new URL('../src/cli/kafka.ts', import.meta.url));
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, CLI, ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

describe('pnpm kafka', () => {
  let dataDir: string;
  let port: number;
  let controllerPort: number;
  let env: Record<string, string>;
  const brokerArgs = () => ['--port', String(port), '--controller-port', String(controllerPort), '--data-dir', dataDir];

  beforeAll(async () => {
    await ensureKafkaDistribution({ log: (m) => process.stderr.write(`[kafka-cli-test] ${m}\n`) });
    dataDir = await mkdtemp(path.join(tmpdir(), 'rideline-kafka-cli-'));
    port = await getFreePort();
    do controllerPort = await getFreePort();
    while (controllerPort === port);
    env = { KAFKA_BROKERS: `127.0.0.1:${port}` };
  }, 600_000);

  afterAll(async () => {
    if (dataDir) {
      await stopDetachedKafkaBroker({ dataDir });
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('every tool it maps has its main class in the jars', async () => {
    const dist = await ensureKafkaDistribution();
    const classes = new Set<string>();
    for (const jar of (await readdir(dist.libsDir)).filter((f) => /^kafka.*\.jar$/.test(f))) {
      for (const entry of await listJarEntries(path.join(dist.libsDir, jar))) {
        if (entry.endsWith('.class')) classes.add(entry.slice(0, -'.class'.length).replaceAll('/', '.'));
      }
    }
    const missing = KAFKA_TOOLS.filter((t) => !classes.has(t.mainClass)).map((t) => `${t.name} (${t.mainClass})`);
    expect(missing).toEqual([]);
    expect(classes.has('kafka.Kafka')).toBe(true);
  });

  it('--help lists the sub-commands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const name of ['broker start', 'topics', 'consumer-groups', 'console-consumer', 'console-producer', 'get-offsets', 'configs', 'dump-log']) {
      expect(stdout).toContain(name);
    }
  });

  it('broker start|status|stop manage a detached broker', async () => {
    const started = await runCli(['broker', 'start', ...brokerArgs()], { timeoutMs: 180_000 });
    expect(started.stderr).toContain('started');
    expect(started.code).toBe(0);
    expect(started.stdout.trim()).toBe(`127.0.0.1:${port}`);
    expect(await isKafkaReachable([`127.0.0.1:${port}`])).toBe(true);

    const again = await runCli(['broker', 'start', ...brokerArgs()]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already running');

    const status = await runCli(['broker', 'status', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/running \(pid \d+\)/);
    expect(status.stdout).toContain('answers');
  }, 240_000);

  it("runs Kafka's tools against it: topics, console producer and consumer, consumer groups, offsets", async () => {
    const topic = uniqueName('cli.rides');
    const group = uniqueName('cli-group');
    const created = await runCli(['topics', '--create', '--topic', topic, '--partitions', '3'], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created topic ${topic}`);

    const listed = await runCli(['topics', '--list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toContain(topic);

    const produced = await runCli(['console-producer', '--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'], {
      env,
      input: 'ride-1:requested\nride-2:requested\nride-1:accepted\n',
    });
    expect(produced.code).toBe(0);

    const consumed = await runCli(
      [
        'console-consumer',
        '--topic',
        topic,
        '--from-beginning',
        '--property',
        'print.key=true',
        '--group',
        group,
        '--max-messages',
        '3',
        '--timeout-ms',
        '30000',
      ],
      { env },
    );
    expect(consumed.code).toBe(0);
    // (Kafka 4.x also prints a deprecation note for --property on stdout: keep the records only.)
    const lines = consumed.stdout
      .split('\n')
      .filter((line) => line.includes('\t'))
      .sort();
    expect(lines).toEqual(['ride-1\taccepted', 'ride-1\trequested', 'ride-2\trequested'].sort());

    const reset = await runCli(['consumer-groups', '--group', group, '--reset-offsets', '--to-earliest', '--all-topics', '--execute'], { env });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(group);
    expect(reset.stdout).toMatch(/NEW-OFFSET/);

    const offsets = await runCli(['get-offsets', '--topic', topic], { env });
    expect(offsets.code).toBe(0);
    const total = offsets.stdout
      .trim()
      .split('\n')
      .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
    expect(total).toBe(3);

    const configs = await runCli(['configs', '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', 'cleanup.policy=compact'], { env });
    expect(configs.code).toBe(0);

    await runCli(['topics', '--delete', '--topic', topic], { env });
  }, 240_000);

  it("exits with the tool's exit code", async () => {
    const missing = await runCli(['topics', '--describe', '--topic', uniqueName('no.such.topic')], { env });
    expect(missing.code).not.toBe(0);
    const unknown = await runCli(['no-such-tool']);
    expect(unknown.code).toBe(2);
  }, 120_000);

  it('broker stop stops it', async () => {
    const stopped = await runCli(['broker', 'stop', '--data-dir', dataDir]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('Stopped');
    const status = await runCli(['broker', 'status', '--data-dir', dataDir]);
    expect(status.code).toBe(1);
    expect(await isKafkaReachable([`127.0.0.1:${port}`], { timeoutMs: 2_000 })).toBe(false);
  }, 120_000);
});
