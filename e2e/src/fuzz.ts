/**
 * Seeded generators of malformed input for the fuzz tests: the same seed gives the same
 * requests and frames, so a failure reproduces with `FUZZ_SEED=<seed>`.
 */

/** mulberry32: small, fast, good enough to pick inputs. */
export class Prng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(256);
    return buffer;
  }
}

export function fuzzSeed(): number {
  const fromEnv = process.env['FUZZ_SEED'];
  return fromEnv && /^\d+$/.test(fromEnv) ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  'true',
  '0',
  '-1',
  '__proto__',
  'constructor',
  '😀🚕🧭',
  'e\u0301\u0301\u0301',
  '\u202eRTL',
  '\uFEFFbom',
  '\ud800',
  '\udfff\ud800',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00%ff',
  'a@b',
  'x@example.com',
  '12.9716',
  'NaN',
  'Infinity',
];

const WEIRD_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  90.0000001,
  -180.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53 + 2,
  5e-324,
  12.9716,
  77.5946,
];

const KEYS = [
  'type',
  'lat',
  'lng',
  'token',
  'available',
  'pickup',
  'dropoff',
  'address',
  'otp',
  'reason',
  'name',
  'email',
  'password',
  'vehicle',
  'plate',
  'model',
  'refresh_token',
  '__proto__',
  'constructor',
  '',
];

/** Any JSON value, of bounded size. */
function randomJson(rng: Prng, depth = 0): unknown {
  const roll = rng.int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(WEIRD_NUMBERS);
    case 3:
      return (rng.next() - 0.5) * 10 ** rng.int(20);
    case 4:
      return rng.pick(WEIRD_STRINGS);
    case 5:
      return 'x'.repeat(rng.int(300));
    case 6:
    case 7: {
      const object: Record<string, unknown> = {};
      const size = rng.int(6);
      for (let i = 0; i < size; i++) object[rng.pick(KEYS)] = randomJson(rng, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth + 1));
  }
}

/** `base` with one field (at any depth) replaced, removed, or given a wrong type. */
function mutate(rng: Prng, base: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(base);
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) {
        paths.push([...path, key]);
        walk(child, [...path, key]);
      }
    }
  };
  walk(copy, []);
  if (paths.length === 0) return copy;
  const path = rng.pick(paths);
  let parent = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (rng.chance(0.2)) delete parent[last];
  else parent[last] = randomJson(rng, 2);
  if (rng.chance(0.2)) copy[rng.pick(KEYS)] = randomJson(rng, 2);
  return copy;
}

export interface RawBody {
  readonly label: string;
  readonly contentType: string | null;
  readonly body: string | Buffer | null;
}

const json = (label: string, value: unknown): RawBody => ({ label, contentType: 'application/json', body: JSON.stringify(value) });

/**
 * Strings that are not well-formed UTF-16: unpaired high or low surrogates, reversed and cut-off
 * pairs. JSON.stringify writes them as `\ud800` escapes, so the bodies stay valid UTF-8 and JSON.
 */
const LONE_SURROGATES = ['\ud800', 'a\udfff', '\udfff\ud800', '🚕\ud83d'] as const;

/** Dot-separated paths of every string in `value` (objects only, as request bodies are). */
function stringFields(value: unknown, prefix: readonly string[] = []): string[][] {
  if (typeof value === 'string') return [[...prefix]];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => stringFields(child, [...prefix, key]));
}

function withString(base: Record<string, unknown>, path: readonly string[], text: string): Record<string, unknown> {
  const copy = structuredClone(base);
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  parent[path.at(-1)!] = text;
  return copy;
}

export interface FieldCase {
  /** The field the 400 must name, e.g. `body.pickup.address`. */
  readonly field: string;
  readonly body: RawBody;
}

/** Every string field of `valid`, holding each lone surrogate in turn (alone, or after its text). */
export function loneSurrogateBodies(valid: Record<string, unknown> | null): FieldCase[] {
  if (valid === null) return [];
  return stringFields(valid).flatMap((path) =>
    LONE_SURROGATES.map((surrogate, index) => {
      const original = path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], valid) as string;
      const field = ['body', ...path].join('.');
      return { field, body: json(`lone surrogate in ${field}`, withString(valid, path, index % 2 === 0 ? surrogate : original + surrogate)) };
    }),
  );
}

/** Frames holding a lone surrogate (as a JSON escape) somewhere: each is malformed. */
export const LONE_SURROGATE_FRAMES: readonly string[] = [
  JSON.stringify({ type: 'refresh', token: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln\ud800' }),
  JSON.stringify({ type: 'refresh', token: '\udfff' }),
  JSON.stringify({ type: 'location', lat: 12.97, lng: 77.59, note: 'a\ud800' }),
  JSON.stringify({ type: 'location\ud800', lat: 12.97, lng: 77.59 }),
  JSON.stringify({ type: 'location', lat: 12.97, lng: 77.59, '\ud83d': 1 }),
];

/** One malformed (or only slightly wrong) HTTP body for a route whose valid body is `valid`. */
export function randomBody(rng: Prng, valid: Record<string, unknown> | null): RawBody {
  const base = valid ?? {};
  switch (rng.int(15)) {
    case 14: {
      const cases = loneSurrogateBodies(valid);
      return cases.length > 0 ? rng.pick(cases).body : json('lone surrogate in an unknown field', { ...base, note: rng.pick(LONE_SURROGATES) });
    }
    case 0:
    case 1:
      return json('random json', randomJson(rng));
    case 2:
    case 3:
    case 4:
      return json('mutated valid body', mutate(rng, base));
    case 5: {
      const depth = 10 + rng.int(20_000);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      return { label: `nesting ${depth}`, contentType: 'application/json', body: `${open.repeat(depth)}1${close.repeat(depth)}` };
    }
    case 6: {
      const text = rng.pick(['1e400', '-1e99999', '123456789012345678901234567890123456789', `0.${'9'.repeat(400)}`, `1${'0'.repeat(500)}`]);
      const key = rng.pick(Object.keys(base).concat(['lat']));
      return { label: 'huge number', contentType: 'application/json', body: JSON.stringify({ ...base, [key]: '__HUGE__' }).replace('"__HUGE__"', text) };
    }
    case 7: {
      const text = JSON.stringify(mutate(rng, base));
      const cut = rng.int(Math.max(1, text.length));
      const broken = rng.pick([
        text.slice(0, cut),
        `${text}}`,
        text.replace(/"/g, "'"),
        `{${text}`,
        'undefined',
        'NaN',
        '{"a":1,}',
        '\u0000',
        text.replace(':', ''),
      ]);
      return { label: 'invalid json', contentType: 'application/json', body: broken };
    }
    case 8:
      return { label: 'random bytes', contentType: rng.pick(['application/json', 'application/octet-stream']), body: rng.bytes(rng.int(2_000)) };
    case 9: {
      const contentType = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/xml',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/jsonx',
        '',
        null,
      ]);
      const body = rng.pick([JSON.stringify(base), 'a=1&b=2', '<x>1</x>', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--']);
      return { label: `content type ${String(contentType)}`, contentType, body };
    }
    case 10: {
      const unicode = rng.pick(WEIRD_STRINGS.slice(9));
      const withUnicode = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' ? unicode + v + unicode : v]));
      return rng.chance(0.5)
        ? json('unicode', withUnicode)
        : {
            label: 'invalid utf-8',
            contentType: 'application/json',
            body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
          };
    }
    case 11: {
      const length = rng.pick([1_000, 10_000, 60_000, 70_000, 200_000]);
      const key = rng.pick(Object.keys(base).concat(['name']));
      return json(`overlong string ${length}`, { ...base, [key]: rng.pick(['a', 'é', '😀']).repeat(length) });
    }
    case 12:
      return { label: 'empty body', contentType: rng.pick(['application/json', null]), body: rng.chance(0.5) ? '' : null };
    default:
      return json('json scalar', rng.pick([null, 0, 'text', true, [], [base]]));
  }
}

/** One malformed WebSocket frame, text or binary, under `maxBytes`. */
export function randomFrame(rng: Prng, maxBytes: number): { readonly label: string; readonly data: string | Buffer; readonly binary: boolean } {
  const fit = (label: string, text: string) => {
    const clipped = Buffer.byteLength(text) <= maxBytes ? text : Buffer.from(text).subarray(0, maxBytes).toString('utf8').slice(0, -1);
    return { label, data: clipped, binary: false };
  };
  switch (rng.int(11)) {
    case 10:
      return fit('lone surrogate', rng.pick(LONE_SURROGATE_FRAMES));
    case 0:
      return { label: 'binary', data: rng.bytes(1 + rng.int(Math.min(maxBytes, 2_000))), binary: true };
    case 1:
      return { label: 'binary json', data: Buffer.from(JSON.stringify({ type: 'location', lat: 1, lng: 1 })), binary: true };
    case 2:
      return fit('invalid json', rng.pick(['{', '}', '{"type":', "{'type':'location'}", 'location', '', ' ', 'undefined', '{"type":"location",}', '\u0000']));
    case 3:
      return fit('random json', JSON.stringify(randomJson(rng)));
    case 4:
      return fit(
        'unknown type',
        JSON.stringify({
          type: rng.pick(['ping', 'subscribe', 'LOCATION', 'location ', 'accept', 'error', 'booking_status', '', '__proto__']),
          lat: 1,
          lng: 2,
        }),
      );
    case 5:
      return fit(
        'location wrong types',
        JSON.stringify({
          type: 'location',
          lat: rng.pick(['12.9', null, true, [], {}, 91, -90.5, 1e308, 'NaN']),
          lng: rng.pick([77.5, '77.5', 181, null, -1e308, {}]),
        }),
      );
    case 6:
      return fit('refresh wrong types', JSON.stringify({ type: 'refresh', token: rng.pick([null, 1, true, '', [], {}, 'x'.repeat(4_097)]) }));
    case 7:
      return fit('refresh bad token', JSON.stringify({ type: 'refresh', token: rng.pick(['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '😀']) }));
    case 8: {
      const filler = rng.pick(['a', 'é', '😀', '\\u0000']);
      const size = maxBytes - 40 - rng.int(200);
      return fit(
        'huge frame under the cap',
        JSON.stringify({ type: rng.pick(['location', 'refresh', 'nope']), pad: filler.repeat(Math.floor(size / Buffer.byteLength(filler))) }),
      );
    }
    default: {
      let text = '1';
      for (let i = rng.int(2_000); i > 0; i--) text = `[${text}]`;
      return fit('deep nesting', text);
    }
  }
}
