/**
 * `pnpm start`: the whole system in the foreground. Finds or starts Kafka and PostgreSQL, then
 * starts the three services and the ops console as separate processes, waits until each is ready and says where
 * they are. Ctrl-C (or SIGTERM) stops the services gracefully, then what this script started,
 * and exits 0. (package.json runs it with `exec`: otherwise the `sh -c` pnpm runs scripts in
 * would die of the terminal's SIGINT and pnpm would report "Command failed" with code 130.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, ridelineDataDir } from '@rideline/dev-infra';
import { localSharedSecrets } from './dev-secrets.ts';
import { provideLocalInfra, withDatabase } from './local-infra.ts';

interface ServiceSpec {
  readonly name: string;
  readonly port: number;
  readonly env?: Record<string, string>;
}

const log = (message: string) => process.stdout.write(`[start] ${message}\n`);
const READY_TIMEOUT_MS = 120_000;
const DEV_OPERATOR_EMAIL = 'operator@rideline.local';

// Generated code first (booking-service's Prisma client is not committed); turbo skips it when
// its inputs have not changed since the last run.
log('generating code (prisma generate, cached by turbo)');
const generate = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'generate', '--output-logs=errors-only'], {
  cwd: REPO_ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (generate.status !== 0) {
  log(`code generation failed (${generate.error?.message ?? `exit code ${generate.status}`}); did \`pnpm install\` run?`);
  process.exit(1);
}

const infra = await provideLocalInfra({ log }).catch((error: unknown) => {
  log(`cannot start the infrastructure: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const services: ServiceSpec[] = [
  {
    name: 'booking-service',
    port: Number(process.env['BOOKING_PORT'] ?? 3001),
    env: { DATABASE_URL: process.env['DATABASE_URL'] ?? withDatabase(infra.postgresServerUrl, 'rideline_booking') },
  },
  { name: 'dispatch-service', port: Number(process.env['DISPATCH_PORT'] ?? 3002), env: verifierEnv() },
  {
    name: 'realtime-gateway',
    port: Number(process.env['GATEWAY_PORT'] ?? 3000),
    // The one gateway here serves the ops console's stream (off by default: it reads all of driver.locations).
    env: { ...verifierEnv(), OPS_STREAM_ENABLED: process.env['OPS_STREAM_ENABLED'] ?? 'true' },
  },
];
const local = (name: string) => `http://127.0.0.1:${services.find((spec) => spec.name === name)!.port}`;
services.push({
  name: 'ops-console',
  port: Number(process.env['CONSOLE_PORT'] ?? 3003),
  env: { BOOKING_URL: local('booking-service'), DISPATCH_URL: local('dispatch-service'), GATEWAY_URL: local('realtime-gateway') },
});

/** Dispatch and the gateway verify tokens with booking-service's keys, wherever BOOKING_PORT puts it. */
function verifierEnv(): Record<string, string> {
  const bookingPort = Number(process.env['BOOKING_PORT'] ?? 3001);
  return { AUTH_JWKS_URL: process.env['AUTH_JWKS_URL'] ?? `http://127.0.0.1:${bookingPort}/.well-known/jwks.json` };
}

const sharedSecrets = localSharedSecrets(ridelineDataDir());
// The services' stdout is a pipe to this script, so their LOG_FORMAT=auto would pick JSON: they
// are told what this script's own stdout is instead (readable and coloured at a terminal).
const logEnv: Record<string, string> = process.env['LOG_FORMAT'] === undefined && process.stdout.isTTY ? { LOG_FORMAT: 'pretty', FORCE_COLOR: '1' } : {};

const children = new Map<string, ChildProcess>();
let stopping = false;

function startService(spec: ServiceSpec): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(REPO_ROOT, 'services', spec.name),
    env: { ...process.env, ...logEnv, ...sharedSecrets, ...spec.env, PORT: String(spec.port), KAFKA_BROKERS: infra.kafkaBrokers },
    // Its own process group: Ctrl-C reaches this script only, which then stops services in order.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${spec.name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(spec.name);
    if (!stopping) {
      log(`${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
  return child;
}

async function waitUntilReady(spec: ServiceSpec): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(`http://127.0.0.1:${spec.port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${spec.name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * A development operator for the console, created when none exists: its password is printed
 * this once (the database keeps only a hash). Later starts find it and say how to add another.
 */
function ensureDevelopmentOperator(): Promise<void> {
  const booking = services.find((spec) => spec.name === 'booking-service')!;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/cli/operator.ts', 'ensure-dev', DEV_OPERATOR_EMAIL], {
      cwd: path.join(REPO_ROOT, 'services', 'booking-service'),
      env: { ...process.env, ...booking.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => {
      if (code !== 0) log(`could not create the development operator (exit code ${code})`);
      for (const line of output.split('\n').filter(Boolean)) log(line);
      resolve();
    });
  });
}

async function shutdown(exitCode: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  log('stopping services');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          // The whole group: tsx's loader and the service process itself.
          process.kill(-child.pid!, 'SIGTERM');
          setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
          }, 15_000).unref();
        }),
    ),
  );
  log('stopping infrastructure');
  await infra.stop();
  log('stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

for (const spec of services) children.set(spec.name, startService(spec));
try {
  await Promise.all(services.map(waitUntilReady));
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  await shutdown(1);
}
if (!stopping) await ensureDevelopmentOperator();
if (!stopping) {
  log('all services ready:');
  for (const spec of services) log(`  ${spec.name.padEnd(17)} http://127.0.0.1:${spec.port}`);
  log(`  kafka             ${infra.kafkaBrokers}`);
  log('press Ctrl-C to stop');
}
