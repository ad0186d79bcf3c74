import { pino, type Logger } from 'pino';

/** JSON logs on stdout with the service name on every line; secrets never reach them. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["sec-websocket-protocol"]',
        '*.password',
        '*.otp',
        '*.refresh_token',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
  });
}
