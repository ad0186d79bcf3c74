import { JwksKeys, type KeySource } from '@rideline/auth';
import type { ServiceApp } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.ts';
import { loadWebBundle, type WebBundle } from './bundle.ts';
import type { ConsoleConfig } from './config.ts';

export interface ConsoleSystemOptions {
  /** The keys access tokens are checked with; by default booking-service's JWKS (at BOOKING_URL), loaded in the background. */
  readonly keys?: KeySource;
  /** The page's script and styles; by default `loadWebBundle()` (dist/web when built, bundled in memory from the sources). */
  readonly bundle?: WebBundle;
}

export interface ConsoleSystem {
  readonly app: ServiceApp;
  close(): Promise<void>;
}

/**
 * Everything the console runs, wired: booking-service's keys and the app. `main.ts` listens on
 * it; tests start it on port 0.
 */
export async function startConsoleSystem(config: ConsoleConfig, logger: FastifyBaseLogger, options: ConsoleSystemOptions = {}): Promise<ConsoleSystem> {
  const jwks = options.keys ? null : new JwksKeys({ url: new URL('/.well-known/jwks.json', config.bookingUrl).toString(), logger });
  jwks?.start();
  try {
    const { app } = await buildApp(config, { logger, bundle: options.bundle ?? (await loadWebBundle()), keys: options.keys ?? jwks! });
    return {
      app,
      close: async () => {
        await app.close();
        jwks?.stop();
      },
    };
  } catch (error) {
    jwks?.stop();
    throw error;
  }
}
