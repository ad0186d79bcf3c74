/**
 * The package as a consumer outside this workspace gets it: `pnpm build` emits ESM and .d.ts
 * files into dist/, and Node imports `@rideline/client` (its `default` export condition, not the
 * workspace's `development` one) without any TypeScript loader.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
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
