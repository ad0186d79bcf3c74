import { describe, expect, it } from 'vitest';
import { parseInboundFrame } from './inbound.ts';
import { spend } from './rate-budget.ts';

describe('inbound frames', () => {
  it('accept a location on the available-bookings endpoint only', () => {
    const frame = '{"type":"location","lat":12.97,"lng":77.59}';
    expect(parseInboundFrame('driver_available_bookings', frame)).toEqual({ type: 'location', lat: 12.97, lng: 77.59 });
    expect(parseInboundFrame('driver_bookings', frame)).toEqual({ type: 'malformed' });
    expect(parseInboundFrame('bookings', frame)).toEqual({ type: 'malformed' });
  });

  it('accept well-formed escapes: a surrogate pair, an escaped letter', () => {
    expect(parseInboundFrame('driver_available_bookings', '{"type":"location","lat":1,"lng":2,"note":"\\ud83d\\ude95"}')).toEqual({
      type: 'location',
      lat: 1,
      lng: 2,
    });
    expect(parseInboundFrame('bookings', '{"type":"refresh","token":"\\u0061bc"}')).toEqual({ type: 'refresh', token: 'abc' });
  });

  it('accept a refresh on every endpoint', () => {
    for (const endpoint of ['bookings', 'driver_bookings', 'driver_available_bookings'] as const) {
      expect(parseInboundFrame(endpoint, '{"type":"refresh","token":"abc"}')).toEqual({ type: 'refresh', token: 'abc' });
    }
  });

  it('accept a token of up to 4096 characters', () => {
    const token = 'a'.repeat(4_096);
    expect(parseInboundFrame('bookings', JSON.stringify({ type: 'refresh', token }))).toEqual({ type: 'refresh', token });
  });

  it.each([
    ['a token of 4097 characters', JSON.stringify({ type: 'refresh', token: 'a'.repeat(4_097) })],
    ['binary', null],
    ['not JSON', 'hello'],
    ['an array', '[]'],
    ['null', 'null'],
    ['no type', '{}'],
    ['an unknown type', '{"type":"ping"}'],
    ['latitude out of range', '{"type":"location","lat":-91,"lng":0}'],
    ['longitude out of range', '{"type":"location","lat":0,"lng":180.5}'],
    ['a string coordinate', '{"type":"location","lat":"1","lng":0}'],
    ['an empty token', '{"type":"refresh","token":""}'],
    ['a token that is not a string', '{"type":"refresh","token":42}'],
    ['a lone surrogate in the token', '{"type":"refresh","token":"abc\\ud800"}'],
    ['a lone surrogate in an ignored field', '{"type":"location","lat":1,"lng":2,"note":"\\udc00"}'],
    ['a lone surrogate in a field name', '{"type":"location","lat":1,"lng":2,"\\ud800":1}'],
    ['an escaped NUL in the type', '{"type":"location\\u0000","lat":1,"lng":2}'],
  ])('refuse %s', (_case, text) => {
    expect(parseInboundFrame('driver_available_bookings', text)).toEqual({ type: 'malformed' });
  });
});

describe('rate budget', () => {
  it('allows a burst, then the sustained rate', () => {
    const limit = { perSecond: 2, burst: 3 };
    const budget = { tokens: 3, refilledAtMs: 0 };
    expect([spend(budget, limit, 0), spend(budget, limit, 0), spend(budget, limit, 0), spend(budget, limit, 0)]).toEqual([true, true, true, false]);
    expect(spend(budget, limit, 400)).toBe(false);
    expect(spend(budget, limit, 500)).toBe(true);
    expect(spend(budget, limit, 10_000)).toBe(true);
    expect(budget.tokens).toBeLessThanOrEqual(3);
  });
});
