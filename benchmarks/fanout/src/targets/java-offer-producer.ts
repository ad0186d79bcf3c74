/**
 * Runs `java/OfferProducer.java` (Kafka's own Java client) as the gateway target's publisher: one
 * line per publish on its stdin, one "ack" line back once the broker has every record of it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findKafkaDistribution } from '@rideline/dev-infra';

const SOURCE = resolve(import.meta.dirname, '../../java/OfferProducer.java');

/** Why the Java publisher cannot run here, or undefined if it can. */
export async function javaProducerUnavailable(): Promise<string | undefined> {
  if (spawnSync('java', ['-version']).status !== 0) return 'no `java` on the PATH';
  const dist = await findKafkaDistribution();
  if (!dist.fetched) return `Kafka ${dist.version}'s jars are not fetched (pnpm kafka broker fetch)`;
  return undefined;
}

export class JavaOfferProducer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #driversFile: string;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams, driversFile: string) {
    this.#child = child;
    this.#driversFile = driversFile;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Starts it and waits until it is connected to the broker. */
  static async start(brokers: readonly string[], topic: string, driverIds: readonly string[]): Promise<JavaOfferProducer> {
    const dist = await findKafkaDistribution();
    const driversFile = join(tmpdir(), `fanout-drivers-${process.pid}-${Date.now()}.txt`);
    writeFileSync(driversFile, driverIds.join('\n'));
    const child = spawn('java', [`-Dlog4j2.configurationFile=${dist.toolsLog4jConfig}`, '-cp', dist.classpath, SOURCE, brokers.join(','), topic, driversFile], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const producer = new JavaOfferProducer(child, driversFile);
    child.stderr.on('data', (chunk: Buffer) => (producer.#stderr = (producer.#stderr + chunk.toString()).slice(-4_000)));
    const ready = new Promise<void>((resolveReady, rejectReady) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (line === 'ready') return resolveReady();
        const [kind, seq, ...rest] = line.split(' ');
        const waiting = producer.#waiting.get(Number(seq));
        if (!waiting) return;
        producer.#waiting.delete(Number(seq));
        if (kind === 'ack') waiting.resolve();
        else waiting.reject(new Error(rest.join(' ')));
      });
      child.once('exit', (code, signal) => {
        const error = new Error(`OfferProducer exited (${signal ?? `code ${code}`}): ${producer.#stderr.trim().slice(-1_000)}`);
        rejectReady(error);
        for (const waiting of producer.#waiting.values()) waiting.reject(error);
        producer.#waiting.clear();
      });
    });
    await ready;
    return producer;
  }

  /** Produces `template` once per driver; resolves when the broker has acknowledged them all. */
  publish(seq: number, template: string): Promise<void> {
    return new Promise((resolvePublish, reject) => {
      this.#waiting.set(seq, { resolve: resolvePublish, reject });
      this.#child.stdin.write(`${seq}\t${template}\n`);
    });
  }

  async stop(): Promise<void> {
    rmSync(this.#driversFile, { force: true });
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((done) => this.#child.once('exit', done));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
