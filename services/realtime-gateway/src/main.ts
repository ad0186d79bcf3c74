import './tracing.ts';
import { createLogger, runService } from '@rideline/service-kit';
import { readGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

await runService({
  name: 'realtime-gateway',
  async start() {
    const config = readGatewayConfig();
    return startGateway(config, createLogger('realtime-gateway', config.logLevel, config.logFormat));
  },
});
