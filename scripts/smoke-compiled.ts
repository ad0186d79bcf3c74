/**
 * `pnpm smoke:compiled` (after `pnpm build`): starts the three compiled services and the ops
 * console once the way an image does, `node dist/main.js` with no tsx and no `development`
 * condition, against the
 * real broker and PostgreSQL (found or started like `pnpm start`), waits until each answers
 * /health/ready, then stops them with SIGTERM and expects exit code 0. It fails when a service
 * does not get ready, exits by itself, logs at error level while starting healthily, or does not
 * stop cleanly. Topics, database and consumer groups are its own, so it leaves a shared broker's
 * other users alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { freePort, REPO_ROOT } from '@rideline/dev-infra';
import { provideLocalInfra, withDatabase } from './local-infra.ts';

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;
const ERROR_LEVEL = 50; // pino's `error`
const LAST_LINES_KEPT = 40;

const log = (message: string) => process.stdout.write(`[smoke] ${message}\n`);

interface Running {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly errorLines: string[];
  /** The last lines it printed, shown when it fails: a crash before the logger exists is not JSON. */
  readonly lastLines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(name: string, port: number, env: Record<string, string>): Running {
  const cwd = path.join(REPO_ROOT, 'services', name);
  const main = path.join(cwd, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
  const { NODE_OPTIONS: _inherited, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd,
    // JSON logs (stdout is a pipe anyway), so error-level lines can be recognised.
    env: { ...parentEnv, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errorLines: string[] = [];
  const lastLines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (process.env['SMOKE_VERBOSE']) process.stdout.write(`[${name}] ${line}\n`);
        if (isErrorLine(line)) errorLines.push(line);
        lastLines.push(line);
        if (lastLines.length > LAST_LINES_KEPT) lastLines.shift();
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, port, child, errorLines, lastLines, exited };
}

function isErrorLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' && level >= ERROR_LEVEL;
  } catch {
    return false;
  }
}

async function waitUntilReady(service: Running): Promise<number> {
  const started = Date.now();
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (exited) throw new Error(`${service.name} exited before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      if (response.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stop(service: Running): Promise<string | undefined> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) {
    const { exitCode, signalCode } = service.child;
    return `${service.name} had already exited (${signalCode ?? `exit code ${exitCode}`}); its last lines:\n${service.lastLines.join('\n')}`;
  }
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const { code, signal } = await service.exited;
  clearTimeout(timer);
  return code === 0 ? undefined : `${service.name} stopped with ${signal ?? `exit code ${code}`}, not 0`;
}

const infra = await provideLocalInfra({ log });
const run = randomBytes(4).toString('hex');
const [bookingPort, dispatchPort, gatewayPort, consolePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
const shared: Record<string, string> = {
  KAFKA_BROKERS: infra.kafkaBrokers,
  AUTH_JWKS_URL: `http://127.0.0.1:${bookingPort}/.well-known/jwks.json`,
  OTP_NOTICE_KEY: randomBytes(32).toString('base64url'),
  DISPATCH_CONSUMER_GROUP: `smoke-${run}.dispatch`,
  ...Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `smoke-${run}.${TOPICS[id].defaultName}`])),
};

const failures: string[] = [];
const services: Running[] = [];
try {
  services.push(start('booking-service', bookingPort, { ...shared, DATABASE_URL: withDatabase(infra.postgresServerUrl, 'rideline_smoke') }));
  services.push(start('dispatch-service', dispatchPort, shared));
  // With the operator stream on, as pnpm start and compose run it, so its compiled path starts too.
  services.push(start('realtime-gateway', gatewayPort, { ...shared, OPS_STREAM_ENABLED: 'true' }));
  const local = (port: number) => `http://127.0.0.1:${port}`;
  services.push(start('ops-console', consolePort, { BOOKING_URL: local(bookingPort), DISPATCH_URL: local(dispatchPort), GATEWAY_URL: local(gatewayPort) }));
  const results = await Promise.allSettled(services.map(waitUntilReady));
  results.forEach((result, index) => {
    const name = services[index]!.name;
    if (result.status === 'fulfilled') log(`${name}: ready in ${result.value} ms (node dist/main.js)`);
    else failures.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
  });
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  for (const failure of await Promise.all(services.map(stop))) if (failure) failures.push(failure);
  for (const service of services) {
    if (service.errorLines.length > 0) {
      failures.push(`${service.name} logged ${service.errorLines.length} error-level line(s), e.g. ${service.errorLines[0]}`);
    }
  }
  await infra.stop();
}

if (failures.length > 0) {
  for (const failure of failures) log(`FAILED: ${failure}`);
  process.exit(1);
}
log('the three compiled services and the ops console started, were ready and stopped with exit code 0');
