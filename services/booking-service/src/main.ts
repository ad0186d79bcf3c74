import { createLogger, listenOn, runService } from '@rideline/service-kit';
import { startBookingSystem } from './booking-system.ts';
import { readBookingConfig } from './config.ts';

await runService({
  name: 'booking-service',
  async start() {
    const config = readBookingConfig();
    const system = await startBookingSystem(config, createLogger('booking-service', config.logLevel));
    try {
      await listenOn(system.app, config.host, config.port);
    } catch (error) {
      await system.close();
      throw error;
    }
    return { shutdownTimeoutMs: config.shutdownTimeoutMs, close: system.close };
  },
});
