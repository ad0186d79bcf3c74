import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { contextFrom, traceCarrier, type TraceCarrier } from './propagation.ts';
import { tracingState } from './state.ts';

export { SpanKind } from '@opentelemetry/api';

const tracer = () => trace.getTracer('rideline');

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent (default: the active context). */
  readonly parent?: Context;
  /** Only start a span under a parent span (a record's send within a request, not a timer's). */
  readonly requireParent?: boolean;
}

/**
 * Runs `work` inside a span named `name` (made the active one, so what `work` starts or
 * publishes belongs to it), ended when `work` returns or its promise settles; an error marks
 * the span as failed and is passed on. When tracing is off, or `requireParent` and there is no
 * parent span, it is just `work()`.
 */
export function inSpan<R>(name: string, options: SpanOptions, work: (span: Span | undefined) => R): R {
  if (!tracingState.active) return work(undefined);
  const parent = options.parent ?? context.active();
  if (options.requireParent && trace.getSpan(parent) === undefined) return work(undefined);
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  let result: R;
  try {
    result = context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    fail(span, error);
    span.end();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    ) as R;
  }
  span.end();
  return result;
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
}

/**
 * Renames the active span and adds attributes to it (a server span named by its route once the
 * router has found it); nothing when tracing is off or no span is active.
 */
export function describeActiveSpan(name: string, attributes: Attributes): void {
  if (!tracingState.active) return;
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  span.updateName(name);
  span.setAttributes(attributes);
}

/** A span started for one record sent in a batch, and the headers that carry it. */
export interface OutboundSpan {
  readonly headers: TraceCarrier;
  end(error?: unknown): void;
}

/**
 * Starts a span for a record sent later, in a batch with others (an outbox row, each with the
 * context of the request that wrote it): its parent is the context `parent` carries. Undefined
 * when tracing is off or `parent` carries none.
 */
export function startOutboundSpan(
  name: string,
  parent: TraceCarrier | null | undefined,
  options: Omit<SpanOptions, 'parent' | 'requireParent'>,
): OutboundSpan | undefined {
  if (!tracingState.active || !parent) return undefined;
  const parentContext = contextFrom(parent);
  if (trace.getSpan(parentContext) === undefined) return undefined;
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.PRODUCER, ...(options.attributes ? { attributes: options.attributes } : {}) },
    parentContext,
  );
  return {
    headers: traceCarrier(trace.setSpan(parentContext, span)) ?? {},
    end(error?: unknown) {
      if (error !== undefined) fail(span, error);
      span.end();
    },
  };
}
