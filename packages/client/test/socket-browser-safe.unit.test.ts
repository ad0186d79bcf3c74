import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const folder = join(import.meta.dirname, '../src/socket');

it('the socket clients use nothing Node-only (they run in browsers and React Native)', () => {
  for (const file of readdirSync(folder)) {
    // Comments may name what the code avoids.
    const source = readFileSync(join(folder, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    expect(source, file).not.toMatch(/from ['"](node:|ws['"]|events['"]|buffer['"])/);
    expect(source, file).not.toMatch(/\bBuffer\b|\bprocess\./);
  }
});
