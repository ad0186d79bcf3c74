import { describe, expect, it } from 'vitest';
import { contextFrom, inSpan, startOutboundSpan, startTracing, traceCarrier, traceLogFields, tracingActive } from '../src/index.ts';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('with tracing off', () => {
  it('does not start the SDK when no exporter is configured', () => {
    expect(startTracing('test', {})).toBe(false);
    expect(tracingActive()).toBe(false);
  });

  it('adds no headers, starts no span and logs no ids, even for a record that carries a trace', () => {
    expect(traceCarrier(contextFrom({ traceparent: TRACEPARENT }))).toBeUndefined();
    expect(startOutboundSpan('send x', { traceparent: TRACEPARENT }, {})).toBeUndefined();
    expect(inSpan('work', { parent: contextFrom({ traceparent: TRACEPARENT }) }, (span) => span)).toBeUndefined();
    expect(traceLogFields()).toEqual({});
  });

  it('passes the work through, its result and its failure', async () => {
    expect(inSpan('work', {}, () => 42)).toBe(42);
    await expect(inSpan('work', {}, async () => 'done')).resolves.toBe('done');
    expect(() =>
      inSpan('work', {}, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });
});
