/**
 * `pnpm demo`: plays whole rides against the running system (start it with `pnpm start`),
 * only through its public API: riders book over HTTP and follow their bookings on their
 * sockets; drivers report where they are, get offers on their sockets, accept, start the trip
 * with the rider's OTP and complete it. Live progress, then a summary.
 */
import { readOptions, type DemoOptions } from './options.ts';
import { Simulation } from './simulation.ts';
import { sleep } from './city.ts';

const log = (message: string) => process.stdout.write(`[demo] ${message}\n`);

let options: DemoOptions;
try {
  options = readOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const simulation = new Simulation(options);
try {
  await simulation.setUp(log);
} catch (error) {
  log(`cannot set up: ${error instanceof Error ? error.message : String(error)}. Is the system running (pnpm start)?`);
  simulation.close();
  process.exit(1);
}

log(`playing for ${options.durationS} s (Ctrl-C to stop early)`);
// The rides are the console's to show: drivers move and change colour, bookings go from red to blue.
log(`watch it live on the ops console: ${process.env['CONSOLE_URL'] ?? 'http://127.0.0.1:3003'} (the operator pnpm start printed)`);
const started = Date.now();
const tty = process.stdout.isTTY;
const progress = setInterval(
  () => {
    const line = simulation.stats.line((Date.now() - started) / 1000);
    process.stdout.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  },
  tty ? 500 : 5_000,
);

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
});
while (!interrupted && Date.now() - started < options.durationS * 1000) await sleep(200);
simulation.stopBooking();
// Let the rides under way finish (or expire), for a while.
const drainUntil = Date.now() + 30_000;
while (!interrupted && simulation.activeRides > 0 && Date.now() < drainUntil) await sleep(200);
clearInterval(progress);
await simulation.cancelPending();
process.stdout.write(`${tty ? '\n' : ''}${simulation.stats.summary()}`);
simulation.close();
process.exit(simulation.stats.counts.completed > 0 ? 0 : 1);
