import './tracing.ts';
import { serve } from '@rideline/service-kit';
import { readGatewayConfig } from './config.ts';
import { startGatewaySystem } from './gateway-system.ts';

// close(): stop accepting, close every socket with 1001, leave the consumer groups, flush locations.
await serve({ name: 'realtime-gateway', readConfig: () => readGatewayConfig(), startSystem: (config, logger) => startGatewaySystem(config, logger) });
