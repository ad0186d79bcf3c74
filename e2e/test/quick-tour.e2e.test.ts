/**
 * The README's quick tour, pasted into a shell as a reader would: its `sh` blocks line by line
 * into one bash, against the three services as processes. Only two things differ from a reader's
 * terminal: the services listen on free ports here (the tour's `localhost:3000`-`3002` are
 * rewritten to them), and the line that says to type the OTP the rider's socket printed gets
 * that OTP. Each step waits for what the tour says appears before the next, as a reader would.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunningSystem, type ServiceName } from '../src/system.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The ports `pnpm start` gives the services, as the tour's commands name them. */
const TOUR_PORTS: Record<ServiceName, number> = { 'realtime-gateway': 3000, 'booking-service': 3001, 'dispatch-service': 3002 };

/** The shell blocks of the README's "A quick tour", each a list of lines. */
function tourBlocks(): string[][] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const section = readme.split('### A quick tour')[1]?.split(/\n##/)[0] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => (match[1] ?? '').trimEnd().split('\n'));
}

/** What a listener printed: `bookings/ {...}` or `driver/available_bookings/ {...}`, one a line. */
const LISTENER_LINE = /(bookings|driver\/available_bookings)\/ (\{[^\n]*\})\n/g;
const MARK = (step: number) => `<<<tour step ${step}>>>`;

let system: RunningSystem;
let shell: ChildProcessWithoutNullStreams | undefined;
let output = '';

beforeAll(async () => {
  system = await RunningSystem.start();
}, 180_000);

afterAll(async () => {
  // The listeners are background jobs of that shell: end its whole process group.
  if (shell?.pid !== undefined && shell.exitCode === null) process.kill(-shell.pid, 'SIGKILL');
  await system?.stop();
});

/** The socket messages the listeners printed so far, by endpoint. */
function heard(): { endpoint: string; message: Record<string, unknown> }[] {
  return [...output.matchAll(LISTENER_LINE)].map((match) => ({ endpoint: match[1] ?? '', message: JSON.parse(match[2] ?? '{}') as Record<string, unknown> }));
}

/** What the tour's own commands printed, by step (the listeners' lines taken out). */
function printedBy(step: number): string {
  const commandOutput = output.replace(LISTENER_LINE, '');
  const start = step === 0 ? 0 : commandOutput.indexOf(MARK(step - 1)) + MARK(step - 1).length;
  const end = commandOutput.indexOf(MARK(step));
  return end < 0 ? '' : commandOutput.slice(start, end).trim();
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`the tour: timed out waiting for ${what}; the shell printed:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('runs as written: sign up, go available, listen, book, see offer and statuses, accept, start with the OTP, complete', { timeout: 180_000 }, async () => {
  const blocks = tourBlocks();
  expect(blocks).toHaveLength(3);
  const toHere = (line: string) =>
    (Object.entries(TOUR_PORTS) as [ServiceName, number][]).reduce(
      (text, [service, port]) => text.replaceAll(`localhost:${port}`, `127.0.0.1:${system.ports[service]}`),
      line,
    );
  const lines = blocks.flat().map(toHere);
  expect(lines.join('\n')).not.toMatch(/localhost:\d/); // every address was one of the three

  shell = spawn('bash', [], { cwd: REPO_ROOT, detached: true, env: process.env });
  shell.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  shell.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let step = 0;
  /** Pastes one line and waits until it has run (curl prints no newline: the mark starts one). */
  const paste = async (line: string) => {
    shell?.stdin.write(`${line}\nprintf '\\n${MARK(step)}\\n'\n`);
    const mark = MARK(step);
    await waitFor(`"${line.slice(0, 60)}" to finish`, () => (output.includes(mark) ? true : undefined));
    return printedBy(step++);
  };
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

  const [first = [], second = [], third = []] = blocks.map((block) => block.map(toHere));
  // Sign-ups, the driver available at the pickup, both listeners running.
  for (const line of first) {
    const printed = await paste(line);
    if (printed !== '') expect(json(printed), line).not.toMatchObject({ success: false });
  }

  // Book: the rider's socket says `pending`, the driver's `available_booking`.
  await paste(second[0] ?? '');
  const booking = (await paste('echo "$BOOKING"')).trim();
  expect(booking).toMatch(/^[0-9a-f-]{36}$/);
  const nearby = json(await paste(second[1] ?? ''));
  expect(nearby['drivers']).toEqual([expect.objectContaining({ driver_id: expect.any(String) })]);
  await waitFor('pending on the rider', () =>
    heard().find((h) => h.endpoint === 'bookings' && h.message['booking_id'] === booking && h.message['status'] === 'pending'),
  );
  await waitFor('available_booking on the driver', () =>
    heard().find((h) => h.endpoint === 'driver/available_bookings' && h.message['type'] === 'available_booking' && h.message['booking_id'] === booking),
  );

  // Accept: `accepted`, then the OTP, on the rider's socket; the OTP starts the trip.
  const [accept = '', otpLine = '', ...rest] = third;
  expect(json(await paste(accept))).toMatchObject({ booking_id: booking, status: 'accepted' });
  const otp = await waitFor('the OTP on the rider', () => {
    const found = heard().find((h) => h.endpoint === 'bookings' && h.message['type'] === 'otp' && h.message['booking_id'] === booking);
    return found ? String(found.message['otp']) : undefined;
  });
  const riderSaw = heard().filter((h) => h.endpoint === 'bookings' && h.message['booking_id'] === booking);
  expect(riderSaw.map((h) => h.message['status'] ?? h.message['type'])).toEqual(['pending', 'accepted', 'otp']);
  expect(otpLine).toMatch(/^OTP=\d{6}\s+#/);
  await paste(`OTP=${otp}`);
  const [start = '', complete = '', stop = ''] = rest;
  expect(json(await paste(start))).toMatchObject({ booking_id: booking, status: 'on_trip' });
  expect(json(await paste(complete))).toMatchObject({ booking_id: booking, status: 'completed' });
  expect(stop).toBe('kill %1 %2');
  expect(await paste(stop)).toBe('');
  expect(await paste('jobs -r')).toBe(''); // both listeners stopped
});
