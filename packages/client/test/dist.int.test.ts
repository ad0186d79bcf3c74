/**
 * The package as a consumer outside this workspace gets it: `pnpm build` emits ESM and .d.ts
 * files into dist/, Node imports `@rideline/client` (its `default` export condition, not the
 * workspace's `development` one) without any TypeScript loader, and an app's TypeScript is
 * checked against those declarations alone (the README's examples among it).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(PACKAGE_DIR, 'dist');

beforeAll(async () => {
  await run('pnpm', ['run', 'build'], { cwd: PACKAGE_DIR });
}, 120_000);

it('emits JavaScript and declarations for the entry point', async () => {
  const files = await readdir(DIST, { recursive: true });
  // One JavaScript bundle (the contract's socket schemas compiled in), declarations per module.
  expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', join('http', 'client.d.ts'), join('socket', 'socket-client.d.ts')]));
});

it('imports from plain Node by package name, and the client answers a value', async () => {
  const script = [
    "const { createRidelineClient } = await import('@rideline/client');",
    "const client = createRidelineClient({ bookingUrl: 'http://127.0.0.1:9', dispatchUrl: 'http://127.0.0.1:9' });",
    'const result = await client.bookings.list();',
    "const { riderSocket } = await import('@rideline/client');",
    'if (typeof riderSocket !== "function") throw new Error("no socket client in the build");',
    'console.log(JSON.stringify({ token: client.getToken(), result }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_DIR, env: { PATH: process.env['PATH'] ?? '' } });
  expect(JSON.parse(stdout)).toEqual({
    token: null,
    result: { ok: false, error: { kind: 'http', status: 401, code: 'NO_SESSION', message: 'Not signed in.' } },
  });
});

it('holds no Node-only import: it must run in browsers and React Native', async () => {
  const files = (await readdir(DIST, { recursive: true })).filter((file) => file.endsWith('.js'));
  for (const file of files) expect(await readFile(join(DIST, file), 'utf8'), file).not.toMatch(/from ['"]node:|require\(/);
});

/**
 * An app of its own, outside the workspace (so no workspace package resolves by accident): the
 * built package and its published dependencies in node_modules, strict TypeScript with the
 * libraries' declarations checked. Answers what `tsc` reported, empty when it is satisfied.
 */
async function typecheckApp(sources: Readonly<Record<string, string>>): Promise<string> {
  const app = await mkdtemp(join(tmpdir(), 'rideline-client-app-'));
  try {
    const installed = join(app, 'node_modules', '@rideline', 'client');
    await mkdir(installed, { recursive: true });
    await cp(join(PACKAGE_DIR, 'package.json'), join(installed, 'package.json'));
    await cp(DIST, join(installed, 'dist'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies)) {
      await mkdir(join(app, 'node_modules', dependency, '..'), { recursive: true });
      await symlink(await realpath(join(PACKAGE_DIR, 'node_modules', dependency)), join(app, 'node_modules', dependency));
    }
    const compilerOptions = {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      noEmit: true,
      skipLibCheck: false,
    };
    await writeFile(join(app, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: Object.keys(sources) }));
    for (const [file, text] of Object.entries(sources)) await writeFile(join(app, file), text);
    const outcome = await run('pnpm', ['exec', 'tsc', '-p', app], { cwd: PACKAGE_DIR }).catch((error: { stdout?: string; stderr?: string }) => error);
    return `${outcome.stdout ?? ''}${outcome.stderr ?? ''}`.trim();
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

it('types the socket messages for an app outside the workspace (the contract ships in dist/)', async () => {
  const app = [
    "import { availableBookingsSocket, riderSocket, type RiderMessage } from '@rideline/client';",
    'export function read(message: RiderMessage): string | null {',
    "  return message.type === 'otp' ? message.otp : null;",
    '}',
    "const rider = riderSocket({ url: 'wss://realtime.example.com', getToken: () => null });",
    "rider.on('booking_status', (m) => console.log(m.booking_id, m.status.toUpperCase()));",
    // Were the messages `any` (a declaration naming a package the app cannot install), these
    // would compile and the directives would be reported unused.
    '// @ts-expect-error: an OTP is a string',
    "rider.on('otp', (m) => Math.abs(m.otp));",
    "const offers = availableBookingsSocket({ url: 'wss://realtime.example.com', getToken: () => null });",
    '// @ts-expect-error: no such message on this endpoint',
    "offers.on('otp', () => {});",
    "offers.on('available_booking', (m) => m.estimated_cost.toFixed(2));",
  ].join('\n');
  expect(await typecheckApp({ 'app.ts': app })).toBe('');
});

/** What the README's examples leave to the app, declared so that they compile as written. */
const README_APP = `import type { Session } from '@rideline/client';
declare const storage: { load(): Promise<Session | null>; save(session: Session | null): void };
declare const email: string, password: string, bookingUrl: string, dispatchUrl: string;
declare const session: Session | null, onSessionChange: (session: Session | null) => void;
declare const pickup: { lat: number; lng: number; address: string }, dropoff: { lat: number; lng: number; address: string };
declare const lat: number, lng: number, signal: AbortSignal, bookingId: string, otpTheRiderReadOut: string;
declare function showError(message: string): void;
declare function render(bookingId: string, status: 'pending' | 'accepted' | 'on_trip' | 'completed' | 'cancelled' | 'expired'): void;
declare function showCode(otp: string): void;
declare function showActiveRide(): void;
declare function dropOffer(bookingId: string): void;
`;

it("the README's rider and driver apps compile against the build, as written", async () => {
  const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').filter((code) => code.includes("from '@rideline/client'"));
  expect(examples.length).toBeGreaterThanOrEqual(2);
  // Each example is an app's code: its imports at the top, the rest the body of an async function.
  const sources = Object.fromEntries(
    examples.map((code, i) => {
      const lines = code.split('\n');
      const imports = lines.filter((line) => line.startsWith('import '));
      const body = lines.filter((line) => !line.startsWith('import '));
      return [`readme-${i}.ts`, `${imports.join('\n')}\n${README_APP}\nexport async function app(): Promise<void> {\n${body.join('\n')}\n}\n`];
    }),
  );
  expect(await typecheckApp(sources)).toBe('');
});
