import { describe, expect, it } from 'vitest';
import { httpFailure, parseRetryAfter } from '../src/http/result.ts';

const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('httpFailure', () => {
  it('reads the API error body and Retry-After', () => {
    const body = { success: false, message: 'Too many attempts.', code: 'TOO_MANY_ATTEMPTS' };
    expect(httpFailure(answer(429, { 'retry-after': '4' }), body)).toEqual({
      ok: false,
      error: { kind: 'http', status: 429, code: 'TOO_MANY_ATTEMPTS', message: 'Too many attempts.', retryAfterSeconds: 4 },
    });
  });

  it('names the status when the body is not the API error body (a proxy, a load balancer)', () => {
    expect(httpFailure(answer(502), 'Bad Gateway')).toEqual({ ok: false, error: { kind: 'http', status: 502, code: 'HTTP_502', message: 'Bad Gateway' } });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
