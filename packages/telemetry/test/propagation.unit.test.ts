import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contextFrom, inSpan, startOutboundSpan, traceCarrier, traceLogFields } from '../src/index.ts';
import { tracingState } from '../src/state.ts';

// What startTracing sets up, with spans kept in memory.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  tracingState.active = true;
});
afterAll(async () => {
  tracingState.active = false;
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();

describe('trace context across a record', () => {
  it('travels from the sender to the handler as W3C headers, one trace, parent to child', async () => {
    let headers: Readonly<Record<string, string>> | undefined;
    await inSpan('POST /v1/bookings', { kind: SpanKind.SERVER }, async () => {
      await Promise.resolve();
      headers = traceCarrier();
    });
    expect(headers?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // As kafkajs hands headers over: buffers.
    const received = { traceparent: Buffer.from(headers!['traceparent']!) };
    inSpan('process booking.events', { kind: SpanKind.CONSUMER, parent: contextFrom(received), requireParent: true }, () => {
      expect(traceLogFields().trace_id).toBe(trace.getActiveSpan()!.spanContext().traceId);
    });

    const [request, consume] = spans();
    expect(consume!.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(consume!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(consume!.kind).toBe(SpanKind.CONSUMER);
  });

  it('starts no span without a parent when one is required, and adds no headers outside a span', () => {
    expect(traceCarrier()).toBeUndefined();
    expect(inSpan('process x', { requireParent: true, parent: contextFrom({}) }, (span) => span)).toBeUndefined();
    expect(inSpan('process x', { requireParent: true, parent: contextFrom(undefined) }, (span) => span)).toBeUndefined();
    expect(spans()).toEqual([]);
  });

  it('sends an outbox row in a producer span of the trace it was written in', () => {
    const written = inSpan('POST /v1/bookings', {}, () => traceCarrier())!;
    const outbound = startOutboundSpan('send booking.events', written, { kind: SpanKind.PRODUCER })!;
    outbound.end();
    expect(startOutboundSpan('send booking.events', null, {})).toBeUndefined();

    const [request, send] = spans();
    expect(send!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    // The record's headers carry the producer span, the consumer's parent.
    expect(outbound.headers['traceparent']).toContain(send!.spanContext().spanId);
  });

  it('marks a span whose work failed, sync or async, and passes the error on', async () => {
    expect(() =>
      inSpan('sync', {}, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    await expect(
      inSpan('async', {}, async () => {
        throw new Error('later');
      }),
    ).rejects.toThrow('later');
    const outbound = startOutboundSpan(
      'send',
      inSpan('request', {}, () => traceCarrier()),
      {},
    )!;
    outbound.end(new Error('broker down'));
    const failed = spans()
      .filter((span) => span.status.code === SpanStatusCode.ERROR)
      .map((span) => span.name);
    expect(failed).toEqual(['sync', 'async', 'send']);
  });
});
