import { createRequire } from 'node:module';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { tracingRequested } from './settings.ts';
import { tracingState } from './state.ts';

let sdk: NodeSDK | null = null;

/**
 * Starts the OpenTelemetry SDK if the environment asks for traces (`tracingRequested`), else
 * does nothing: only the no-op API is loaded. Call it first, from a module that `main.ts`
 * imports before any other (the instrumentations patch `http` and `pg` as they load, so these
 * must load after). Synchronous on purpose: an ES module's static imports run in order, and an
 * awaited start would let the next ones run first. The SDK is loaded with `require` for that
 * reason, and only when wanted, so a service without tracing never loads it.
 *
 * Everything else comes from the standard variables: OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL / _HEADERS, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*; OTEL_SERVICE_NAME defaults to `serviceName`.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk !== null || !tracingRequested(env)) return sdk !== null;
  const require = createRequire(import.meta.url);
  const { NodeSDK: Sdk } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  sdk = new Sdk({
    // OTEL_SERVICE_NAME, when set, names the service (the SDK reads it); this is the default.
    ...(env['OTEL_SERVICE_NAME'] ? {} : { serviceName }),
    // Traces only: logs go to stdout (carrying trace_id), metrics to /metrics. Without this the
    // SDK would set up an OTLP log exporter by default, for records nobody emits.
    logRecordProcessors: [],
    instrumentations: [
      // Health probes and metric scrapes would be most of the traces, and none of interest.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => IGNORED_PATHS.test(request.url ?? '') }),
      // Only under a span of ours (a request, a record): the relay's polling is not a trace.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  tracingState.active = true;
  return true;
}

const IGNORED_PATHS = /^\/(health|ready|metrics)(\/|\?|$)/;

/** Sends the spans still buffered and stops the SDK (no-op when it was not started). */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  if (running === null) return;
  sdk = null;
  tracingState.active = false;
  await running.shutdown().catch(() => {});
}
