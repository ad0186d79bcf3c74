import './tracing.ts';
import { serve } from '@rideline/service-kit';
import { readDispatchConfig } from './config.ts';
import { startDispatchSystem } from './dispatch-system.ts';

// close(): stop HTTP, stop deciding, commit and leave the group, stop reading, flush the producer.
await serve({ name: 'dispatch-service', readConfig: () => readDispatchConfig(), startSystem: startDispatchSystem });
