export { tracingActive } from './state.ts';
export { startTracing, shutdownTracing } from './start.ts';
export { traceCarrier, contextFrom, type TraceCarrier } from './propagation.ts';
export { inSpan, describeActiveSpan, startOutboundSpan, SpanKind, type OutboundSpan } from './spans.ts';
export { traceLogFields } from './log-fields.ts';
