/**
 * `tsx scripts/with-infra.ts <command...>`: runs a command (the test or bench suites) with a
 * Kafka broker and a PostgreSQL server available, exported as KAFKA_BROKERS and
 * RIDELINE_TEST_PG_URL, and stops afterwards whatever it had to start.
 */
import { spawn } from 'node:child_process';
import { provideLocalInfra, type LocalInfra } from './local-infra.ts';

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write('usage: tsx scripts/with-infra.ts <command> [args...]\n');
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`[infra] ${message}\n`);
let infra: LocalInfra;
try {
  infra = await provideLocalInfra({ log });
} catch (error) {
  log(`cannot provide the infrastructure: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const child = spawn(command[0]!, command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, RIDELINE_TEST_PG_URL: infra.postgresServerUrl },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
const exitCode = await new Promise<number>((resolve) => {
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    log(`cannot run ${command[0]}: ${error.message}`);
    resolve(1);
  });
});
await infra.stop();
process.exit(exitCode);
