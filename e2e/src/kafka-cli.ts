import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `pnpm kafka` runs. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one of Kafka's own command-line tools through the project's Kafka command, exactly as
 * `pnpm kafka <tool> ...` does (`--bootstrap-server` defaults to `$KAFKA_BROKERS`).
 */
function kafkaTool(brokers: string, tool: string, args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'packages/dev-infra/src/cli/kafka.ts', tool, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, KAFKA_BROKERS: brokers }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Like {@link kafkaTool}, but throws with the tool's output when it fails. */
export async function kafkaToolOk(brokers: string, tool: string, args: readonly string[], timeoutMs?: number): Promise<ToolRun> {
  const run = await kafkaTool(brokers, tool, args, timeoutMs);
  if (run.code !== 0) throw new Error(`kafka ${tool} ${args.join(' ')} exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}
