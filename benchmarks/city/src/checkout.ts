import { REPO_ROOT } from '@rideline/dev-infra';
import { gitRevision } from '@rideline/e2e-bench/environment';
import { RunningSystem } from '@rideline/e2e/system';

/** A checkout of the repository whose services a run starts. */
export interface Checkout {
  /** "current" (this checkout) or "baseline". */
  readonly label: string;
  readonly root: string;
  readonly revision: string;
  start(settings: Record<string, string>): Promise<RunningSystem>;
}

export function currentCheckout(): Checkout {
  return { label: 'current', root: REPO_ROOT, revision: gitRevision(REPO_ROOT), start: (settings) => RunningSystem.start(settings) };
}

/**
 * Another checkout (e.g. a worktree at the commit before a change), installed (`pnpm install`,
 * Prisma client generated). Its services are started from its own folders, with its own
 * dependencies, by this checkout's RunningSystem (one process cannot load both checkouts' test
 * helpers: two copies of vitest refuse to share it); the load, the measurement and the report
 * stay this checkout's, so both sides are measured by the same code.
 */
export function baselineCheckout(root: string): Checkout {
  return { label: 'baseline', root, revision: gitRevision(root), start: (settings) => RunningSystem.start(settings, { repoRoot: root }) };
}
