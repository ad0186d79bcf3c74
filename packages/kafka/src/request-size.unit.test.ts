import { describe, expect, it } from 'vitest';
import { splitBySize } from './request-size.ts';

const record = (key: string, bytes: number) => ({ topic: 't', key, value: 'x'.repeat(bytes) });

describe('splitBySize', () => {
  it('keeps the order, cuts before a record that would pass the budget, and sends an oversized record alone', () => {
    const records = [record('a', 100), record('b', 100), record('c', 100), record('d', 1_000), record('e', 10)];
    const runs = splitBySize(records, 300);
    expect(runs.map((run) => run.map((r) => r.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    expect(runs.flat()).toEqual(records);
  });

  it('counts bytes, not characters, and headers too', () => {
    const wide = { topic: 't', key: 'k', value: 'é'.repeat(100) }; // 200 bytes
    expect(splitBySize([wide, wide], 450)).toHaveLength(2);
    const headed = { topic: 't', key: 'k', value: 'v', headers: { reason: 'r'.repeat(200) } };
    expect(splitBySize([headed, headed], 300)).toHaveLength(2);
  });

  it('sends nothing for nothing', () => {
    expect(splitBySize([])).toEqual([]);
  });
});
