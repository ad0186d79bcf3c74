#!/usr/bin/env node
// `prisma generate` that also works offline.
//
// Before any command, the Prisma CLI makes sure its schema-engine binary is present and
// downloads it when it is not; without access to Prisma's binary host that fails, although
// generate never runs the engine (Prisma Client 7 runs on JS + WASM). Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file skips that check.
//
// So: when the variable is already set, or a downloaded engine is already installed next to
// @prisma/engines, run generate untouched; otherwise point the variable, for this one child
// process only, at scripts/schema-engine-unavailable (a placeholder that explains itself if
// anything ever runs it). Other prisma commands (migrate, studio) are not affected.
//
// Usage: node scripts/prisma-generate.mjs [extra prisma generate args]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const serviceDir = dirname(here);
const require = createRequire(join(serviceDir, 'package.json'));

const prismaCli = require.resolve('prisma/build/index.js');

/** True when a schema-engine binary was already downloaded into @prisma/engines. */
function installedSchemaEngineExists() {
  try {
    const requireFromPrisma = createRequire(prismaCli);
    const enginesDir = dirname(dirname(requireFromPrisma.resolve('@prisma/engines')));
    return readdirSync(enginesDir).some((name) => name.startsWith('schema-engine') && !/\.(sha256|gz|sig|tmp)$/.test(name));
  } catch {
    return false;
  }
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !installedSchemaEngineExists()) {
  const placeholder = join(here, 'schema-engine-unavailable');
  if (!existsSync(placeholder)) {
    console.error(`prisma-generate: missing ${placeholder}`);
    process.exit(1);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}

const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  cwd: serviceDir,
  env,
  stdio: 'inherit',
});
if (result.error) {
  console.error(`prisma-generate: could not run the Prisma CLI: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
