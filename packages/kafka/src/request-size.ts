import type { RawRecord } from './publisher.ts';

/**
 * What one produce request may carry, in record bytes. The broker refuses a record batch larger
 * than its `message.max.bytes` (1 MiB by default) with "message larger than the max message
 * size", and kafkajs puts all of a request's records for one partition into one batch. Half of
 * it leaves room for the batch's own framing; a bigger budget saves little (a request this size
 * is already hundreds of records).
 */
export const MAX_REQUEST_RECORD_BYTES = 512 * 1024;

/** Per-record framing (lengths, offsets, timestamps, header counts) counted on top of its bytes. */
const RECORD_OVERHEAD_BYTES = 32;

/**
 * `records` in consecutive runs of at most `maxBytes` each (a record larger than that alone),
 * in the order given, so sending the runs one after another keeps each key's order.
 */
export function splitBySize(records: readonly RawRecord[], maxBytes = MAX_REQUEST_RECORD_BYTES): RawRecord[][] {
  const runs: RawRecord[][] = [];
  let run: RawRecord[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = recordBytes(record);
    if (run.length > 0 && size + bytes > maxBytes) {
      runs.push(run);
      run = [];
      size = 0;
    }
    run.push(record);
    size += bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function recordBytes(record: RawRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(record.key) + byteLength(record.value) + record.topic.length;
  if (record.headers) for (const [name, value] of Object.entries(record.headers)) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

const byteLength = (value: Buffer | string | null): number => (value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length);
