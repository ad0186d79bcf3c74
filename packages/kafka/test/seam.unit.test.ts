import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * All Kafka access goes through this package, so that the client library could be replaced in
 * one place. Production code elsewhere (services/*\/src, packages/*\/src) never imports kafkajs;
 * dev-infra, which runs the broker, is the one exception. Tests may.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const ALLOWED_PACKAGES = new Set(['kafka', 'dev-infra']);
const KAFKAJS_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]kafkajs(?:\/[^'"]*)?['"]/m;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'generated') files.push(...sourceFiles(full));
    } else if (/\.(?:ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !/\.test\.[cm]?[tj]s$/.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

function productionSourceDirs(): string[] {
  const dirs: string[] = [];
  for (const group of ['services', 'packages']) {
    for (const entry of readdirSync(path.join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory() || (group === 'packages' && ALLOWED_PACKAGES.has(entry.name))) continue;
      const src = path.join(root, group, entry.name, 'src');
      try {
        readdirSync(src);
        dirs.push(src);
      } catch {
        // A package without sources of its own.
      }
    }
  }
  return dirs;
}

describe('the Kafka seam', () => {
  it('recognises every way of importing kafkajs', () => {
    for (const line of [
      "import type { Consumer } from 'kafkajs';",
      'import kafkajs from "kafkajs";',
      "import 'kafkajs';",
      "const k = await import('kafkajs');",
      "const k = require('kafkajs');",
      "export { Kafka } from 'kafkajs/types';",
    ]) {
      expect(KAFKAJS_IMPORT.test(line), line).toBe(true);
    }
    expect(KAFKAJS_IMPORT.test("import { TopicConsumer } from '@rideline/kafka'; // not kafkajs itself")).toBe(false);
  });

  it('no production source outside packages/kafka (and dev-infra) imports kafkajs', () => {
    const dirs = productionSourceDirs();
    expect(dirs.map((d) => path.relative(root, d))).toEqual(
      expect.arrayContaining(['services/booking-service/src', 'services/dispatch-service/src', 'services/realtime-gateway/src']),
    );
    const files = dirs.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((file) => KAFKAJS_IMPORT.test(readFileSync(file, 'utf8'))).map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('no service or package outside packages/kafka (and dev-infra) depends on kafkajs at run time', () => {
    const offenders: string[] = [];
    for (const group of ['services', 'packages']) {
      for (const entry of readdirSync(path.join(root, group), { withFileTypes: true })) {
        if (!entry.isDirectory() || (group === 'packages' && ALLOWED_PACKAGES.has(entry.name))) continue;
        let manifest: { dependencies?: Record<string, string> };
        try {
          manifest = JSON.parse(readFileSync(path.join(root, group, entry.name, 'package.json'), 'utf8')) as typeof manifest;
        } catch {
          continue;
        }
        if (manifest.dependencies?.['kafkajs'] !== undefined) offenders.push(`${group}/${entry.name}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
