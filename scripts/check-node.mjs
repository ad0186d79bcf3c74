#!/usr/bin/env node
/**
 * `preinstall`: refuses to install on a Node older than package.json's `engines.node`, with a
 * clear message, before anything is downloaded.
 *
 * Not pnpm's engine-strict: that also refuses every dependency that declares a newer Node than
 * ours, and some do without needing it (Prisma 7's CLI pulls @prisma/streams-local, which asks
 * for Node 22 in every version), so engine-strict made `pnpm add` fail on Node 20.19, which
 * Rideline supports (CI runs the whole suite on it).
 */
import { readFileSync } from 'node:fs';

const wanted = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines?.node ?? '';
const minimum = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(wanted.trim());
if (!minimum) {
  process.stderr.write(`scripts/check-node.mjs understands engines.node of the form ">=X.Y.Z", not ${JSON.stringify(wanted)}\n`);
  process.exit(1);
}
const need = minimum.slice(1).map((part) => Number(part ?? 0));
const have = process.versions.node.split('.').map(Number);
function isOlder(version, than) {
  for (let index = 0; index < 3; index++) if (version[index] !== than[index]) return version[index] < than[index];
  return false;
}
if (isOlder(have, need)) {
  process.stderr.write(`Rideline needs Node.js ${wanted} (package.json engines); this is ${process.version}. .nvmrc names the recommended version.\n`);
  process.exit(1);
}
