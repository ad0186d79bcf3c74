import { createLogger, listenOn, runService } from '@rideline/service-kit';
import { readDispatchConfig } from './config.ts';
import { startDispatchSystem } from './dispatch-system.ts';

await runService({
  name: 'dispatch-service',
  async start() {
    const config = readDispatchConfig();
    const system = await startDispatchSystem(config, createLogger('dispatch-service', config.logLevel));
    try {
      await listenOn(system.app, config.host, config.port);
    } catch (error) {
      await system.close();
      throw error;
    }
    // close(): stop HTTP, stop deciding, commit and leave the group, stop reading, flush the producer.
    return { shutdownTimeoutMs: config.shutdownTimeoutMs, close: system.close };
  },
});
