import { serve } from '@rideline/service-kit';
import { readConsoleConfig } from './config.ts';
import { startConsoleSystem } from './console-system.ts';

await serve({ name: 'ops-console', readConfig: () => readConsoleConfig(), startSystem: (config, logger) => startConsoleSystem(config, logger) });
