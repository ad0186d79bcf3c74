import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { tracingState } from './state.ts';

/** W3C trace context (`traceparent`, `tracestate`) as string headers, the way it travels in Kafka records and outbox rows. */
export type TraceCarrier = Readonly<Record<string, string>>;

/**
 * The trace context of `ctx` (the active one by default) as headers, or undefined when tracing
 * is off or no span is active there: then nothing is added to a record or a row.
 */
export function traceCarrier(ctx?: Context): TraceCarrier | undefined {
  if (!tracingState.active) return undefined;
  const at = ctx ?? context.active();
  if (trace.getSpan(at) === undefined) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(at, carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** Headers as kafkajs hands them over: each value a buffer, a string, an array of them, or missing. */
export type RecordHeaders = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;

/** The context a record's or a row's headers carry (the active context when they carry none). */
export function contextFrom(headers: RecordHeaders | TraceCarrier | null | undefined): Context {
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, HEADER_GETTER);
}

const HEADER_GETTER = {
  keys: (carrier: RecordHeaders | TraceCarrier): string[] => Object.keys(carrier),
  get(carrier: RecordHeaders | TraceCarrier, key: string): string | undefined {
    const value = carrier[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};
