import { startTracing } from '@rideline/telemetry';

// Imported first by main.ts: the SDK (when OTEL_* asks for it) must patch http and pg before they load.
startTracing('dispatch-service');
