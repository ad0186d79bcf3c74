/**
 * The sum of the samples of `name` in a Prometheus text exposition whose labels include every
 * one of `labels` (all of them when none is given); 0 when there is none. Tests scrape
 * `/metrics` before and after doing something and compare.
 */
export function metricSum(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const found = new Map([...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) sum += Number(match[2]);
  }
  return sum;
}

/** Whether the exposition has a `# TYPE` line for `name`: the metric is registered. */
export function hasMetric(text: string, name: string): boolean {
  return text.split('\n').some((line) => line.startsWith(`# TYPE ${name} `));
}
