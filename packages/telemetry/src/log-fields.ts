import { context, trace } from '@opentelemetry/api';
import { tracingState } from './state.ts';

export interface TraceLogFields {
  readonly trace_id?: string;
  readonly span_id?: string;
}

const NONE: TraceLogFields = {};

/**
 * The ids of the active span, for a log line (a pino `mixin`): `trace_id` and `span_id`, the
 * names OpenTelemetry's log data model and pino's own instrumentation use. Nothing when tracing
 * is off or no span is active.
 */
export function traceLogFields(): TraceLogFields {
  if (!tracingState.active) return NONE;
  const span = trace.getSpan(context.active());
  if (span === undefined) return NONE;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
