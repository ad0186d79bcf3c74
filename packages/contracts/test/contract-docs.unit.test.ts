import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/API.md and docs/websocket-api.md are the reference contract, byte for byte, followed only
 * by Rideline's additions under their own heading. The reference copies live outside the
 * repository, so their length and SHA-256 are recorded here: an edit inside the reference part
 * fails this, and a change belongs in the additions (marked **Changed** where it alters meaning).
 */
const DOCS = join(import.meta.dirname, '../../../docs');

const REFERENCE = {
  'API.md': {
    bytes: 6_551,
    sha256: 'dca8a830c01388dd3fee0718d811dafd84794110bb85da2f2dc677b2c92ed073',
    additions: '## Changes and additions since the reference contract',
  },
  'websocket-api.md': {
    bytes: 6_197,
    sha256: '382132b31771e0e5746ff9a7168467e3630c47c6d0f7cb0d03cfdb718f1e9918',
    additions: '## **Additions in Rideline**',
  },
} as const;

describe.each(Object.entries(REFERENCE))('docs/%s', (file, reference) => {
  const text = readFileSync(join(DOCS, file));
  const head = text.subarray(0, reference.bytes);
  const rest = text.subarray(reference.bytes).toString('utf8');

  it('begins with the reference contract, unchanged', () => {
    expect(createHash('sha256').update(head).digest('hex')).toBe(reference.sha256);
  });

  it("adds to it only under the additions heading, after a blank line (so the reference's last paragraph renders as it did)", () => {
    // The reference's own last newline, if it has one, then an empty line.
    const separated = (head.toString('utf8').endsWith('\n') ? '\n' : '') + rest;
    expect(separated.startsWith('\n\n'), 'a blank line before the additions').toBe(true);
    const firstHeading = rest.split('\n').find((line) => line.startsWith('#'));
    expect(firstHeading).toBe(reference.additions);
  });
});
