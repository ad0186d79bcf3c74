import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JwksKeys, type KeySource } from '@rideline/auth';
import { createLogger, type ServiceApp } from '@rideline/service-kit';
import { buildApp } from '../../src/app.ts';
import { bundleWeb } from '../../src/bundle.ts';
import { readConsoleConfig } from '../../src/config.ts';

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
  const logger = createLogger('ops-console', 'silent');
  const jwks = keys ? null : new JwksKeys({ url: new URL('/.well-known/jwks.json', config.bookingUrl).toString(), logger });
  jwks?.start();
  const { app } = await buildApp(config, { logger, bundle: await bundleWeb(), keys: keys ?? jwks! });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    close: async () => {
      await app.close();
      jwks?.stop();
    },
  };
}
