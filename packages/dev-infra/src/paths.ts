import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/dev-infra (this package's folder). */
export const DEV_INFRA_DIR: string = fileURLToPath(new URL('..', import.meta.url));

/**
 * The monorepo root: the nearest folder above this package holding pnpm-workspace.yaml
 * (falls back to two levels up, where the workspace layout puts it).
 */
export const REPO_ROOT: string = findRepoRoot(DEV_INFRA_DIR);

function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(DEV_INFRA_DIR, '..', '..');
    dir = parent;
  }
}

/** Downloaded things (Kafka jars): `$RIDELINE_CACHE_DIR`, else `<repo root>/.cache` (gitignored). */
export function ridelineCacheDir(): string {
  const fromEnv = process.env['RIDELINE_CACHE_DIR'];
  return fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, '.cache');
}

/** Local service state (the CLI's long-running broker): `$RIDELINE_DATA_DIR`, else `<repo root>/.data`. */
export function ridelineDataDir(): string {
  const fromEnv = process.env['RIDELINE_DATA_DIR'];
  return fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, '.data');
}
