import { randomUUID } from 'node:crypto';
import { Format, IsDateTime, IsUuid } from 'typebox/format';
import { describe, expect, it } from 'vitest';
import { isCanonicalUuid, isUtcIsoDateTime } from '../src/formats.ts';
import { decodeMessage } from '../src/index.ts';

/** Every string one substitution, deletion or insertion away from `value`, over `alphabet`. */
function neighbours(value: string, alphabet: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length) out.push(value.slice(0, i) + value.slice(i + 1));
    for (const c of alphabet) {
      if (i < value.length) out.push(value.slice(0, i) + c + value.slice(i + 1));
      out.push(value.slice(0, i) + c + value.slice(i));
    }
  }
  return out;
}

const TIME_ALPHABET = ['0', '1', '2', '3', '5', '6', '9', 'T', 't', 'Z', 'z', '-', ':', '.', '+', ' ', '[', 'a'];
const UUID_ALPHABET = ['0', '9', 'a', 'f', 'g', 'A', 'F', 'G', '-', ' ', 'z'];

describe('the fast date-time and uuid formats', () => {
  it('answer exactly as typebox does, on valid strings and on every string one edit away from one', () => {
    const times = [
      new Date().toISOString(),
      '2024-02-29T23:59:59.999Z',
      '2023-02-28T00:00:00Z',
      '2000-02-29T12:30:45.123Z',
      '1900-02-28T12:30:45.123Z',
      '2026-04-30T10:00:00.000Z',
      '2026-12-31T23:59:59Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2016-12-31T23:59:60Z',
      '2026-11-26T10:00:00+05:30',
    ];
    for (let i = 0; i < 200; i++) times.push(new Date(Math.floor(Math.random() * 253_402_300_799_000)).toISOString());
    const checkDateTime = Format.Get('date-time')!;
    let checked = 0;
    for (const time of times) {
      for (const value of [time, ...neighbours(time, TIME_ALPHABET)]) {
        if (checkDateTime(value) !== IsDateTime(value))
          expect.fail(`date-time ${JSON.stringify(value)}: ${checkDateTime(value)}, typebox ${IsDateTime(value)}`);
        checked++;
      }
    }
    const ids = ['8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b10', '8D6B1F3E-3C1A-4C61-9D2A-5F7F3A9C2B10', ...Array.from({ length: 100 }, () => randomUUID())];
    const checkUuid = Format.Get('uuid')!;
    for (const id of ids) {
      for (const value of [id, ...neighbours(id, UUID_ALPHABET)]) {
        if (checkUuid(value) !== IsUuid(value)) expect.fail(`uuid ${JSON.stringify(value)}: ${checkUuid(value)}, typebox ${IsUuid(value)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100_000);
  });

  it('take the fast path for what toISOString and randomUUID write, and leave the rest to typebox', () => {
    expect(isUtcIsoDateTime(new Date().toISOString())).toBe(true);
    expect(isUtcIsoDateTime('2026-11-26T10:00:00Z')).toBe(true);
    expect(isUtcIsoDateTime('2023-02-29T10:00:00.000Z')).toBe(false);
    // Valid, but not the fast path's: typebox decides.
    expect(isUtcIsoDateTime('2026-11-26T10:00:00+05:30')).toBe(false);
    expect(Format.Get('date-time')!('2026-11-26T10:00:00+05:30')).toBe(true);
    expect(isCanonicalUuid(randomUUID())).toBe(true);
    expect(isCanonicalUuid('8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b1')).toBe(false);
  });

  it('are the ones the contracts validate with', () => {
    const offer = (occurredAt: string, eventId: string) =>
      JSON.stringify({
        event_id: eventId,
        type: 'OfferRevoked',
        version: 1,
        occurred_at: occurredAt,
        data: { booking_id: 'b-1', driver_id: 'd-1', reason: 'expired' },
      });
    expect(decodeMessage('dispatchOffers', offer('2026-11-26T10:00:00.000Z', randomUUID())).ok).toBe(true);
    expect(decodeMessage('dispatchOffers', offer('2026-02-30T10:00:00.000Z', randomUUID())).ok).toBe(false);
    expect(decodeMessage('dispatchOffers', offer('2026-11-26T10:00:00.000Z', 'not-a-uuid')).ok).toBe(false);
  });
});
