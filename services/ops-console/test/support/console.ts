import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KeySource } from '@rideline/auth';
import { createLogger, type ServiceApp } from '@rideline/service-kit';
import { bundleWeb } from '../../src/bundle.ts';
import { readConsoleConfig } from '../../src/config.ts';
import { startConsoleSystem } from '../../src/console-system.ts';

const OPERATOR_CLI = fileURLToPath(new URL('../../../booking-service/src/cli/operator.ts', import.meta.url));

/** Creates an operator the way an administrator does: `pnpm operator add`. */
export async function addOperator(databaseUrl: string, email: string, password: string): Promise<void> {
  await promisify(execFile)(process.execPath, ['--conditions=development', '--import', 'tsx', OPERATOR_CLI, 'add', email], {
    env: { ...process.env, DATABASE_URL: databaseUrl, OPERATOR_PASSWORD: password },
  });
}

export interface TestConsole {
  readonly app: ServiceApp;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The console in this process, on a free port, against the given services; `keys` default to
 * booking-service's JWKS (at BOOKING_URL).
 */
export async function startConsole(env: Record<string, string>, keys?: KeySource): Promise<TestConsole> {
  const config = readConsoleConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env });
  const system = await startConsoleSystem(config, createLogger('ops-console', 'silent'), { bundle: await bundleWeb(), ...(keys ? { keys } : {}) });
  let url: string;
  try {
    url = await system.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await system.close();
    throw error;
  }
  return { app: system.app, url, close: () => system.close() };
}
