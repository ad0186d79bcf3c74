#!/usr/bin/env node
/**
 * `node scripts/pnpm.mjs <args>`: pnpm for a machine that has only Node. Runs the version that
 * package.json's `packageManager` pins, fetched once with npm into .cache/pnpm/<version>, with
 * its bin directory first on PATH so that scripts calling pnpm (turbo does) find the same one.
 *
 * Plain JavaScript because it runs before anything is installed. It does not use `npx pnpm`:
 * npm exec runs the command through `sh -c`, which dies of Ctrl-C's SIGINT while pnpm is still
 * stopping the services, so the terminal got "ELIFECYCLE Command failed" and exit code 130.
 * Here the terminal's SIGINT reaches pnpm and its script directly (same process group); this
 * process only waits for them and exits with their code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packageManager = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager ?? '';
const version = /^pnpm@(\d+\.\d+\.\d+)$/.exec(packageManager)?.[1];
if (!version) {
  process.stderr.write(`package.json's packageManager is not pnpm@<x.y.z>: ${JSON.stringify(packageManager)}\n`);
  process.exit(1);
}

const prefix = path.join(root, '.cache', 'pnpm', version);
const pnpmBin = path.join(prefix, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
if (!existsSync(pnpmBin)) {
  process.stderr.write(`fetching pnpm ${version} with npm into ${path.relative(root, prefix)} (once)\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const fetched = spawnSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${version}`], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (fetched.status !== 0 || !existsSync(pnpmBin)) {
    process.stderr.write(`could not fetch pnpm ${version} (npm ${fetched.error?.message ?? `exit code ${fetched.status}`})\n`);
    process.exit(1);
  }
}

const binDir = path.join(prefix, 'node_modules', '.bin');
const child = spawn(process.execPath, [pnpmBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
});
// Ctrl-C and `kill` reach pnpm too (the terminal signals the whole group; kill is forwarded):
// this process waits for pnpm's own ending instead of dying first.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
