export { tracingRequested } from './settings.ts';
export { tracingActive } from './state.ts';
export { startTracing, shutdownTracing } from './start.ts';
export { traceCarrier, contextFrom, type TraceCarrier, type RecordHeaders } from './propagation.ts';
export { inSpan, describeActiveSpan, startOutboundSpan, SpanKind, type SpanOptions, type OutboundSpan } from './spans.ts';
export { traceLogFields, type TraceLogFields } from './log-fields.ts';
