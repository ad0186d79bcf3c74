#!/usr/bin/env node
/**
 * `pnpm kafka <command> [args]`: the local Kafka broker and Kafka's own command-line tools, from
 * the Maven Central jars (no Docker, no Kafka download).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_KAFKA_CONTROLLER_PORT,
  DEFAULT_KAFKA_PORT,
  defaultKafkaDataDir,
  isKafkaReachable,
  KAFKA_HOST,
  kafkaBrokerStatus,
  startDetachedKafkaBroker,
  startKafkaBroker,
  stopDetachedKafkaBroker,
} from '../kafka/broker.ts';
import { defaultKafkaVersion, ensureKafkaDistribution } from '../kafka/distribution.ts';
import { defaultKafkaBrokers, KAFKA_TOOLS, runKafkaTool } from '../kafka/tools.ts';

const log = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};

function usage(): string {
  const width = Math.max(...KAFKA_TOOLS.map((t) => t.name.length)) + 2;
  const tools = KAFKA_TOOLS.map((t) => `  ${t.name.padEnd(width)}${t.description}${t.since ? ` (Kafka ${t.since}+)` : ''}`).join('\n');
  return `Usage: pnpm kafka <command> [args...]

The local Kafka ${defaultKafkaVersion()} broker (single-node KRaft on ${KAFKA_HOST}) and Kafka's own
command-line tools, run from the jars that Maven fetches once into the cache.

Broker:
  broker start [--port N] [--controller-port N] [--data-dir DIR] [--timeout SECONDS]
                     Start a broker in the background (idempotent), wait until it answers,
                     print its bootstrap address. --port default: the port of KAFKA_BROKERS,
                     else ${DEFAULT_KAFKA_PORT}; --controller-port default ${DEFAULT_KAFKA_CONTROLLER_PORT} (or the one the
                     data dir was formatted with).
  broker stop [--data-dir DIR]
                     Stop it (SIGTERM, SIGKILL after 30 s).
  broker status [--data-dir DIR] [--port N]
                     Whether it runs and answers (exit code 0 if it answers, 1 if not).
  broker run [same options as start]
                     Run a broker in the foreground until Ctrl-C.
  broker fetch       Fetch the jars now (done on first use otherwise); print the libs folder.

Kafka tools (bootstrap: --bootstrap-server $KAFKA_BROKERS, default 127.0.0.1:9092, added unless given):
${tools}

Examples:
  pnpm kafka broker start
  pnpm kafka topics --list
  pnpm kafka topics --create --topic booking.events --partitions 3
  pnpm kafka console-consumer --topic booking.events --from-beginning --property print.key=true
  pnpm kafka consumer-groups --group g --reset-offsets --to-earliest --all-topics --execute
  pnpm kafka <tool> --help

Environment:
  KAFKA_BROKERS            bootstrap address for the tools (default 127.0.0.1:9092)
  RIDELINE_KAFKA_VERSION   Kafka version (default ${defaultKafkaVersion()})
  RIDELINE_CACHE_DIR       where the jars go (default <repo>/.cache)
  RIDELINE_KAFKA_DATA_DIR  the broker's data dir (default <repo>/.data/kafka)
  JAVA_HOME / KAFKA_JAVA   the Java (17+) to run; KAFKA_HEAP_OPTS, KAFKA_OPTS as in Kafka's scripts
`;
}

/** The port of KAFKA_BROKERS when it names one local address. */
function portFromEnv(): number | undefined {
  const brokers = process.env['KAFKA_BROKERS']?.trim();
  if (!brokers || brokers.includes(',')) return undefined;
  const match = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(brokers);
  return match?.[1] ? Number(match[1]) : undefined;
}

function parsePort(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`${name} must be a port number, got ${value}`);
  return port;
}

class UsageError extends Error {}

async function broker(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string' },
      'controller-port': { type: 'string' },
      'data-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || action === undefined) {
    process.stdout.write(usage());
    return action === undefined ? 1 : 0;
  }
  const dir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultKafkaDataDir();
  const port = parsePort(values.port, '--port') ?? portFromEnv() ?? DEFAULT_KAFKA_PORT;
  const controllerPort = parsePort(values['controller-port'], '--controller-port');
  const timeoutSeconds = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout must be a number of seconds');
  const startOptions = {
    port,
    ...(controllerPort !== undefined && { controllerPort }),
    dataDir: dir,
    startTimeoutMs: timeoutSeconds * 1000,
    log,
  };

  switch (action) {
    case 'fetch': {
      const dist = await ensureKafkaDistribution({ log });
      process.stdout.write(`${dist.libsDir}\n`);
      return 0;
    }
    case 'start': {
      const status = await kafkaBrokerStatus({ dataDir: dir, port });
      if (!status.running && status.reachable) {
        log(`A Kafka broker not started from ${dir} already answers at ${status.brokers.join(',')}; leaving it be`);
        process.stdout.write(`${status.brokers.join(',')}\n`);
        return 0;
      }
      const started = Date.now();
      const result = await startDetachedKafkaBroker(startOptions);
      log(
        result.alreadyRunning
          ? `Kafka ${result.version} broker already running (pid ${result.pid}) at ${result.brokers.join(',')}`
          : `Kafka ${result.version} broker started (pid ${result.pid}) at ${result.brokers.join(',')} in ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s; data: ${result.dataDir}; log: ${result.logFile}`,
      );
      process.stdout.write(`${result.brokers.join(',')}\n`);
      return 0;
    }
    case 'stop': {
      const pid = await stopDetachedKafkaBroker({ dataDir: dir });
      log(pid === undefined ? `No Kafka broker running from ${dir}` : `Stopped the Kafka broker (pid ${pid})`);
      return 0;
    }
    case 'status': {
      const status = await kafkaBrokerStatus({ dataDir: dir, ...(values.port !== undefined && { port }) });
      const lines = [
        `broker:    ${status.running ? `running (pid ${status.pid})` : 'not running from this data dir'}`,
        `address:   ${status.brokers.join(',')} ${status.reachable ? 'answers' : 'does not answer'}`,
        `version:   ${status.version ?? '-'}`,
        `data dir:  ${status.dataDir}`,
        `log:       ${status.logFile ?? '-'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return status.reachable ? 0 : 1;
    }
    case 'run': {
      const running = await startKafkaBroker(startOptions);
      process.stdout.write(`${running.brokers.join(',')}\n`);
      log(`Broker running in the foreground (pid ${running.pid}); Ctrl-C stops it. Log: ${running.logFile}`);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      log('Stopping the Kafka broker ...');
      await running.stop();
      return 0;
    }
    default:
      throw new UsageError(`Unknown broker command ${JSON.stringify(action)} (start|stop|status|run|fetch)`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage());
    return command === undefined ? 1 : 0;
  }
  if (command === 'broker') return broker(args);
  if (command === 'ping') {
    // Small helper for scripts: exit 0 if Kafka answers at KAFKA_BROKERS.
    const brokers = defaultKafkaBrokers();
    const ok = await isKafkaReachable(brokers);
    log(`${brokers} ${ok ? 'answers' : 'does not answer'}`);
    return ok ? 0 : 1;
  }
  if (!KAFKA_TOOLS.some((t) => t.name === command)) {
    throw new UsageError(`Unknown command ${JSON.stringify(command)}; see pnpm kafka --help`);
  }
  return runKafkaTool(command, args, { log });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`pnpm kafka: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`pnpm kafka: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
