import { JwksKeys } from '@rideline/auth';
import { serve } from '@rideline/service-kit';
import { buildApp } from './app.ts';
import { loadWebBundle } from './bundle.ts';
import { readConsoleConfig } from './config.ts';

await serve({
  name: 'ops-console',
  readConfig: () => readConsoleConfig(),
  async startSystem(config, logger) {
    const keys = new JwksKeys({ url: new URL('/.well-known/jwks.json', config.bookingUrl).toString(), logger });
    keys.start();
    const { app } = await buildApp(config, { logger, bundle: await loadWebBundle(), keys });
    return {
      app,
      close: async () => {
        await app.close();
        keys.stop();
      },
    };
  },
});
