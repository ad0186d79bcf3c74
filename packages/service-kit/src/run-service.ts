import closeWithGrace from 'close-with-grace';

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
  });
}
