/**
 * Whether an error means a dependency (the database, the broker) cannot be reached right now,
 * looking down its cause chain: such a failure answers 503, not 500, and the client may retry.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // PostgreSQL: connection exceptions and shutdowns
  '08000',
  '08001',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  // Prisma: cannot reach / connection closed / timed out
  'P1001',
  'P1002',
  'P1017',
  'P2024',
]);
const UNREACHABLE_MESSAGE = new RegExp(
  [
    'ECONNREFUSED',
    'ECONNRESET',
    'Connection terminated',
    'connection timeout',
    'timeout exceeded when trying to connect',
    "Can't reach database server",
    'Server has closed the connection',
    // Prisma P2028 when every pooled connection stayed busy past the transaction's maxWait (seen
    // under load in the city benchmark: it answered 500). Not P2028's other case, a transaction
    // that ran past its own timeout, which is a bug to see as 500.
    'Unable to start a transaction in the given time',
  ].join('|'),
  'i',
);

export function isDependencyDown(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    if (typeof candidate.code === 'string' && UNREACHABLE_CODES.has(candidate.code)) return true;
    if (typeof candidate.originalCode === 'string' && UNREACHABLE_CODES.has(candidate.originalCode)) return true;
    if (typeof candidate.message === 'string' && UNREACHABLE_MESSAGE.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
