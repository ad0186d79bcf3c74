import type { LogFormat } from '@rideline/config';
import { shutdownTracing } from '@rideline/telemetry';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { listenOn } from './listen.ts';
import { createLogger } from './logger.ts';

export interface RunningService {
  /** Stop accepting, drain, commit offsets, close: in that order. */
  close(): Promise<void>;
  /** After this long the process exits even if `close` has not finished. */
  readonly shutdownTimeoutMs: number;
}

export interface RunServiceOptions {
  readonly name: string;
  /** Reads config, connects dependencies and listens; throws a clear message when it cannot. */
  start(): Promise<RunningService>;
}

/**
 * What every `main.ts` does around its service: start it, stop it gracefully on SIGTERM or
 * SIGINT (within a time limit), and turn a start-up failure (bad config, broker or database
 * unreachable) into one clear line and exit code 1 instead of a stack trace.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  let running: RunningService;
  try {
    running = await options.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${options.name} failed to start: ${message}\n`);
    if (process.env['LOG_LEVEL'] === 'debug' && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    process.exit(1);
  }
  closeWithGrace({ delay: running.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) process.stderr.write(`${options.name}: fatal error, shutting down: ${err.stack ?? err.message}\n`);
    else process.stderr.write(`${options.name}: ${signal ?? 'shutdown'} received, closing\n`);
    await running.close();
    // Last: the spans of the shutdown itself are sent too.
    await shutdownTracing();
  });
}

/** What a service's `start*System` returns: its app, not yet listening, and how to stop it all. */
export interface ServiceSystem {
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export interface ServeOptions<C> {
  readonly name: string;
  readonly readConfig: () => C;
  readonly startSystem: (config: C, logger: ReturnType<typeof createLogger>) => Promise<ServiceSystem>;
}

/**
 * The whole of a service's `main.ts`: read config, start the system, listen on HOST:PORT
 * (closing the system again if that fails), and stop gracefully on a signal.
 */
export function serve<C extends { host: string; port: number; logLevel: string; logFormat: LogFormat; shutdownTimeoutMs: number }>(
  options: ServeOptions<C>,
): Promise<void> {
  return runService({
    name: options.name,
    async start() {
      const config = options.readConfig();
      const system = await options.startSystem(config, createLogger(options.name, config.logLevel, config.logFormat));
      try {
        await listenOn(system.app, config.host, config.port);
      } catch (error) {
        await system.close();
        throw error;
      }
      return { shutdownTimeoutMs: config.shutdownTimeoutMs, close: system.close };
    },
  });
}
