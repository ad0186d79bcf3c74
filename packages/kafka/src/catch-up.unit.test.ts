import { describe, expect, it } from 'vitest';
import { CatchUp } from './catch-up.ts';

describe('CatchUp', () => {
  it('is done once every partition is read to where it ended at start-up', async () => {
    const catchUp = new CatchUp([
      { topic: 't', partition: 0, lowWatermark: '0', highWatermark: '3' },
      { topic: 't', partition: 1, lowWatermark: '5', highWatermark: '5' }, // empty: nothing to wait for
      { topic: 'u', partition: 0, lowWatermark: '10', highWatermark: '12' }, // compacted or deleted head
    ]);
    const done = catchUp.whenDone();
    expect(catchUp.pending).toEqual(['t/0', 'u/0']);
    catchUp.advance('t', 0, '1');
    catchUp.advance('u', 0, '11');
    expect(catchUp.done).toBe(false);
    catchUp.advance('t', 0, '7'); // past the line: records produced since start-up
    expect(catchUp.done).toBe(true);
    await expect(done).resolves.toBeUndefined();
  });

  it('is done at once when every partition is empty', () => {
    expect(new CatchUp([{ topic: 't', partition: 0, lowWatermark: '0', highWatermark: '0' }]).done).toBe(true);
  });
});
