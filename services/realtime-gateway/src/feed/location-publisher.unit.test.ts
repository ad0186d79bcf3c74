import type { OutgoingRecord } from '@rideline/kafka';
import { createLogger } from '@rideline/service-kit';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { LocationPublisher } from './location-publisher.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function publisher(lingerMs: number) {
  const sends: (readonly OutgoingRecord[])[] = [];
  const locations = new LocationPublisher({ publish: async (records) => void sends.push(records), lingerMs, logger: createLogger('test', 'silent') });
  const drivers = () => sends.map((records) => records.map((record) => record.key));
  return { locations, sends, drivers };
}

it('sends the frames of one linger in one request, each driver at its latest position', async () => {
  const { locations, sends, drivers } = publisher(20);
  locations.report('d-1', 1, 1);
  locations.report('d-2', 2, 2);
  await vi.advanceTimersByTimeAsync(19);
  locations.report('d-1', 3, 3);
  expect(sends).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(1);
  expect(drivers()).toEqual([['d-1', 'd-2']]);
  const first = sends[0]![0]!.message as { data: { location: { lat: number } } };
  expect(first.data.location.lat).toBe(3);

  locations.report('d-3', 4, 4);
  await vi.advanceTimersByTimeAsync(20);
  expect(drivers()).toEqual([['d-1', 'd-2'], ['d-3']]);
});
