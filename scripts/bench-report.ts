/**
 * After `pnpm bench`: gathers every benchmark's results file into one committed BENCHMARKS.md,
 * with the machine, date and versions the figures were measured on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@rideline/dev-infra';

const sources = [
  ['End to end: booking to offer, accept to status, with the whole system running', 'benchmarks/e2e/RESULTS.md'],
  ['City load: drivers online and whole rides, the largest steady load, CPU per location update and per ride', 'benchmarks/city/RESULTS.md'],
  ['City load sustained: 10,000 drivers for a minute near the goal rate, alternating runs (the file says which)', 'benchmarks/city/SUSTAINED.md'],
  ['booking-service: bookings per second, latency, commit to Kafka', 'services/booking-service/bench/RESULTS.md'],
  ['booking-service: a login during a wrong-password flood', 'services/booking-service/bench/LOGIN_RESULTS.md'],
  ['booking-service: storing dispatch.offers, a statement per record against one per run', 'services/booking-service/bench/OFFER_STORE_RESULTS.md'],
  ['dispatch-service: geo index against a linear scan', 'services/dispatch-service/bench/RESULTS.md'],
  ['realtime-gateway: sockets, memory, delivery', 'services/realtime-gateway/bench/RESULTS.md'],
  ['Fan-out against bare ws, Socket.IO and Django Channels', 'benchmarks/fanout/RESULTS.md'],
  ['ops-console: frame times with 10,000 drivers', 'services/ops-console/bench/FRAME_RESULTS.md'],
  ['Kafka: what tracing costs per record when it is off', 'packages/kafka/bench/TRACING_RESULTS.md'],
] as const;

/** First line a tool prints of its version (java prints it on stderr). */
const version = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
};

const sections = sources.map(([title, file]) => {
  const full = path.join(REPO_ROOT, file);
  if (!existsSync(full)) return `## ${title}\n\nNot measured in this run (\`${file}\` is missing).\n`;
  // Each file's own title goes; its sections move one level down under this one.
  const body = readFileSync(full, 'utf8')
    .replace(/^# .*\n/, '')
    .replace(/^(#+) /gm, '#$1 ')
    .trim();
  return `## ${title}\n\nFrom \`${file}\`.\n\n${body}\n`;
});

const header = [
  '# Benchmarks',
  '',
  `Written by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; PostgreSQL ${version('psql', ['--version'])}; Java ${version('java', ['-version'])}.`,
  'Every figure comes from one shared, noisy machine that also runs the broker, the database and the load generators: read ratios and medians, not absolutes.',
  '',
].join('\n');
writeFileSync(path.join(REPO_ROOT, 'BENCHMARKS.md'), [header, ...sections].join('\n'));
process.stdout.write(`wrote ${path.join(REPO_ROOT, 'BENCHMARKS.md')}\n`);
