import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  /** Where it is defined, relative to the repository. */
  readonly file: string;
}

/** Where the services define metrics: their source and the shared packages'. */
const SOURCE_ROOTS = ['services', 'packages'];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name === 'test' || entry.name === 'bench') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield full;
  }
}

/**
 * Every prom-client metric the code defines, read from the source rather than from a running
 * service: each is written `new Counter({ name: '...'` or `define.counter('...'` (service-kit's
 * defineMetrics; or names a string constant of its file),
 * and the tests below keep it that way (a name built at run time would not be found, and the
 * alert naming it would fail the test).
 */
export function exportedMetrics(): MetricDefinition[] {
  const found: MetricDefinition[] = [];
  for (const root of SOURCE_ROOTS) {
    for (const file of sourceFiles(path.join(REPO_ROOT, root))) {
      const text = readFileSync(file, 'utf8');
      const definitions =
        /new (Counter|Gauge|Histogram|Summary)\(\{\s*name: (?:'([^']+)'|([A-Z][A-Z0-9_]*))|\.(counter|gauge|histogram|summary)\(\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*))/g;
      for (const match of text.matchAll(definitions)) {
        const [, type = match[4]!, literal = match[5], constant = match[6]] = match;
        // A name may be a constant of the same file (one another package reads the metric by).
        const name = literal ?? new RegExp(`const ${constant} = '([^']+)'`).exec(text)?.[1];
        if (name === undefined) throw new Error(`${file}: metric name ${constant} is not a string constant of this file`);
        found.push({ name, type: type.toLowerCase() as MetricType, file: path.relative(REPO_ROOT, file) });
      }
    }
  }
  return found;
}

/** The series names a definition yields in the exposition (a histogram's _bucket, _sum, _count). */
export function seriesNames(metric: MetricDefinition): string[] {
  if (metric.type === 'histogram') return ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix);
  if (metric.type === 'summary') return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
  return [metric.name];
}
