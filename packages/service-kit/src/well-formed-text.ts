/**
 * What text the services accept at their boundary. Two things are refused, wherever they sit:
 * - a lone UTF-16 surrogate (`"\ud800"` in JSON): it has no UTF-8 form, so PostgreSQL refuses it in
 *   JSON (a 500) and the driver silently stores U+FFFD in text (the client's data changed);
 * - NUL, which PostgreSQL cannot store in text or JSON at all.
 *
 * Pure (no Fastify), so the gateway's frame parser applies the same rule.
 */
export type TextFlaw = 'lone surrogate' | 'NUL';

/** Where the first flawed string is: `body.pickup.address`, or a field name (`inFieldName`). */
export interface IllFormedText {
  readonly path: string;
  readonly flaw: TextFlaw;
  /** The flaw is in a field name under `path`, not in a value. */
  readonly inFieldName: boolean;
}

// With the `u` flag a well-paired surrogate is one code point above U+FFFF, so this class
// matches only the unpaired ones (what String.prototype.isWellFormed, not in our ES2023 lib, tests).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the two flaws this finds.
const FLAWED = /[\u0000\uD800-\uDFFF]/u;

export function textFlaw(text: string): TextFlaw | null {
  const found = FLAWED.exec(text);
  if (found === null) return null;
  return found[0] === '\u0000' ? 'NUL' : 'lone surrogate';
}

interface Visit {
  readonly value: unknown;
  readonly key: string;
  readonly parent: Visit | null;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | null = visit; at !== null; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * The first flawed string in `value` (values and field names, at any depth, arrays by index), in
 * document order, or null. Iterative, so a deeply nested body cannot overflow the stack; the path
 * is only built for the answer, so depth costs no quadratic copying.
 */
export function findIllFormedText(value: unknown, rootName: string): IllFormedText | null {
  const stack: Visit[] = [{ value, key: rootName, parent: null }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if (typeof visit.value === 'string') {
      const flaw = textFlaw(visit.value);
      if (flaw !== null) return { path: pathOf(visit), flaw, inFieldName: false };
      continue;
    }
    if (typeof visit.value !== 'object' || visit.value === null) continue;
    const entries = Object.entries(visit.value);
    for (const [key] of entries) {
      const flaw = textFlaw(key);
      if (flaw !== null) return { path: pathOf(visit), flaw, inFieldName: true };
    }
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      stack.push({ value: child, key, parent: visit });
    }
  }
  return null;
}

/** The 400 message naming the field: `body.pickup.address must not hold a lone surrogate ...`. */
export function describeIllFormedText(found: IllFormedText): string {
  const what = found.flaw === 'NUL' ? 'a NUL character' : 'a lone surrogate (text must be well-formed Unicode)';
  return found.inFieldName ? `${found.path} has a field name holding ${what}` : `${found.path} must not hold ${what}`;
}
