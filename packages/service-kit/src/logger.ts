import type { LogFormat } from '@rideline/config';
import { traceLogFields, tracingActive } from '@rideline/telemetry';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Logs on stdout with the service name on every line; secrets never reach them. `json` is one
 * object a line for log collectors; `pretty` is for a person at a terminal; `auto` picks pretty
 * exactly when stdout is a terminal, so a container's or a pipe's logs stay machine-readable.
 * Create it after `startTracing`: only then do lines carry the trace id.
 */
export function createLogger(service: string, level: string, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]', '*.password', '*.otp', '*.refresh_token', '*.access_token'],
      censor: '[redacted]',
    },
    // With tracing on, a line logged under a span says which (trace_id, span_id).
    ...(tracingActive() ? { mixin: traceLogFields } : {}),
  };
  if (resolveLogFormat(format) === 'json') return pino(options);
  return pino(
    options,
    pretty({
      // Synchronous like pino's own stdout, so the last lines before an exit are not lost.
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // One process is one service (`pnpm start` prefixes each line with its name).
      ignore: 'pid,hostname,service',
      singleLine: true,
    }),
  );
}

export function resolveLogFormat(format: LogFormat, stdoutIsTerminal: boolean = process.stdout.isTTY === true): 'pretty' | 'json' {
  if (format === 'auto') return stdoutIsTerminal ? 'pretty' : 'json';
  return format;
}
