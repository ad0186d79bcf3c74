/**
 * Milliseconds since the epoch, with the sub-millisecond precision of `performance.now()`. The
 * runner and its driver workers are separate processes on one machine: their `performance.now()`
 * have different origins, this does not, so an offer stamped in a worker can be set against the
 * runner's stamp of the POST that created the booking.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
