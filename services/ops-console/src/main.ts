import { JwksClient } from '@rideline/auth';
import { serve } from '@rideline/service-kit';
import { buildApp } from './app.ts';
import { bundleWeb } from './bundle.ts';
import { readConsoleConfig } from './config.ts';

await serve({
  name: 'ops-console',
  readConfig: () => readConsoleConfig(),
  async startSystem(config, logger) {
    const keys = new JwksClient({ url: new URL('/.well-known/jwks.json', config.bookingUrl).toString(), logger });
    const { app } = await buildApp(config, { logger, bundle: await bundleWeb(), verifyToken: (token) => keys.verify(token) });
    return { app, close: () => app.close() };
  },
});
