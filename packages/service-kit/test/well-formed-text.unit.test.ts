import { describe, expect, it } from 'vitest';
import { describeIllFormedText, findIllFormedText, textFlaw } from '../src/well-formed-text.ts';

describe('textFlaw', () => {
  it.each([
    ['plain text', 'Koramangala 5th Block', null],
    ['a surrogate pair (emoji)', '🚕 stand', null],
    ['combining marks, BOM, RTL override', 'e\u0301 \uFEFF \u202e', null],
    ['a lone high surrogate', 'a\ud800b', 'lone surrogate'],
    ['a lone low surrogate', '\udfff', 'lone surrogate'],
    ['a reversed pair', '\udfff\ud800', 'lone surrogate'],
    ['a high surrogate at the end', '🚕\ud83d', 'lone surrogate'],
    ['NUL', 'a\u0000b', 'NUL'],
  ])('%s', (_name, text, flaw) => {
    expect(textFlaw(text)).toBe(flaw);
  });
});

describe('findIllFormedText', () => {
  it('names the first flawed value by its path, arrays by index', () => {
    const body = { pickup: { lat: 1, address: 'ok' }, stops: ['a', { note: 'x\ud800' }], vehicle: { plate: '\u0000' } };
    expect(findIllFormedText(body, 'body')).toEqual({ path: 'body.stops.1.note', flaw: 'lone surrogate', inFieldName: false });
  });

  it('finds a flaw in a field name', () => {
    expect(findIllFormedText({ pickup: { 'a\ud800': 1 } }, 'body')).toEqual({ path: 'body.pickup', flaw: 'lone surrogate', inFieldName: true });
  });

  it('finds nothing in well-formed values, numbers, booleans and null', () => {
    expect(findIllFormedText({ a: [1, true, null, '😀', { b: 'é' }] }, 'body')).toBeNull();
    expect(findIllFormedText(undefined, 'body')).toBeNull();
    expect(findIllFormedText('\ud800', 'params')).toEqual({ path: 'params', flaw: 'lone surrogate', inFieldName: false });
  });

  it('walks any depth without overflowing the stack', () => {
    let deep: unknown = 'bottom\ud800';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const found = findIllFormedText(deep, 'body');
    expect(found?.flaw).toBe('lone surrogate');
    expect(found?.path.split('.')).toHaveLength(200_001);
  });

  it('describes the flaw naming the field', () => {
    expect(describeIllFormedText({ path: 'body.pickup.address', flaw: 'lone surrogate', inFieldName: false })).toBe(
      'body.pickup.address must not hold a lone surrogate (text must be well-formed Unicode)',
    );
    expect(describeIllFormedText({ path: 'body.name', flaw: 'NUL', inFieldName: false })).toBe('body.name must not hold a NUL character');
  });
});
