import type { RunningSystem } from '@rideline/e2e/system';

const LEVELS: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * What the services logged at warn or above while the bench ran (they run with LOG_LEVEL=warn),
 * as "service: level message (N×)". Lines that are not pino JSON are kept as they are: a crash
 * prints its stack trace that way.
 */
export function serviceIncidents(system: RunningSystem): string[] {
  const counts = new Map<string, number>();
  for (const [name, service] of system.processes) {
    for (const line of service.output().split('\n')) {
      const text = describeLine(line.trim());
      if (text !== undefined) counts.set(`${name}: ${text}`, (counts.get(`${name}: ${text}`) ?? 0) + 1);
    }
  }
  return [...counts].map(([text, count]) => (count > 1 ? `${text} (${count}×)` : text));
}

/** What every service prints, as plain text, when it is stopped: expected, not an incident. */
const SHUTDOWN_NOTICE = /: SIGTERM received, closing$/;

function describeLine(line: string): string | undefined {
  if (line === '' || SHUTDOWN_NOTICE.test(line)) return undefined;
  let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'number' ? LEVELS[Math.min(60, Math.floor(entry.level / 10) * 10)] : undefined;
  if (level === undefined) return undefined;
  const cause = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
  return `${level} ${String(entry.msg ?? '')}${cause}`;
}
