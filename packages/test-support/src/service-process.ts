import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@rideline/dev-infra';

export { freePort };

/** A service's `src/main.ts` running as its own process, as it runs in production. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  output(): string;
  /** Resolves with the exit code (or 128+signal) once the process has ended. */
  readonly exited: Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

export async function startServiceProcess(serviceDir: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = env['PORT'] && /^\d+$/.test(env['PORT']) ? Number(env['PORT']) : await freePort();
  // RIDELINE_SERVICE_NODE_ARGS: Node flags for every service started, e.g. `--cpu-prof` to see where a benchmark's CPU goes.
  const nodeArgs = process.env['RIDELINE_SERVICE_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=development', '--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))));
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `/health/ready` until it answers 200; fails early if the process exits. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`service exited before it was ready:\n${service.output()}`);
    try {
      const response = await fetch(`${service.baseUrl}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service not ready within ${timeoutMs} ms:\n${service.output()}`);
}

/** The infrastructure the test run was given by scripts/with-infra.ts. */
export function testKafkaBrokers(): string {
  return process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
}
