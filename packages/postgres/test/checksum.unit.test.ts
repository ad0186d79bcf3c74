import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksumMatches, migrationChecksum } from '../src/index.ts';

describe('migrationChecksum (Prisma Migrate’s)', () => {
  it('is the zero-padded SHA-256 hex of the script’s UTF-8 bytes', () => {
    // The value Prisma's own engine test expects for "hello".
    expect(migrationChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    const script = '-- CreateTable\nCREATE TABLE "é" ("id" INTEGER);\n';
    expect(migrationChecksum(script)).toBe(createHash('sha256').update(Buffer.from(script, 'utf8')).digest('hex'));
    expect(migrationChecksum('abcd')).toHaveLength(64);
  });
});

describe('checksumMatches', () => {
  it('matches the same script and rejects a changed one', () => {
    expect(checksumMatches('abc', migrationChecksum('abc'))).toBe(true);
    expect(checksumMatches('abc', migrationChecksum('abcd'))).toBe(false);
    expect(checksumMatches('abc\n', migrationChecksum('abc'))).toBe(false);
  });

  it('ignores LF versus CRLF line ends, both ways', () => {
    const lf = 'ab\ncd\nef\ngh\rab\n';
    const crlf = 'ab\r\ncd\r\nef\r\ngh\rab\r\n';
    for (const script of [lf, crlf]) {
      for (const other of [lf, crlf]) expect(checksumMatches(script, migrationChecksum(other))).toBe(true);
    }
  });

  it('accepts the non-zero-padded checksums old Prisma engines wrote', () => {
    // Find a script whose digest has a byte below 0x10, so the old format is shorter.
    let script = 'x';
    for (let i = 0; ; i += 1) {
      script = `select ${i};`;
      const digest = createHash('sha256').update(script).digest();
      if (digest.some((byte) => byte < 0x10)) break;
    }
    const digest = createHash('sha256').update(script).digest();
    const old = [...digest].map((byte) => byte.toString(16)).join('');
    expect(old.length).toBeLessThan(64);
    expect(checksumMatches(script, old)).toBe(true);
    expect(checksumMatches(`${script} `, old)).toBe(false);
  });
});
