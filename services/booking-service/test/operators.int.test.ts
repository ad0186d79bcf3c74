/**
 * Operators, the third principal kind, against the real database and broker: created by the
 * command line (`pnpm operator add`), logged in over HTTP, their tokens refused on rider and
 * driver routes and admitted on the operator route (a booking's history from the event store),
 * where rider and driver tokens are refused in turn.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingClient, type Session } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { OfferPublisher } from './support/offers.ts';

const CLI = fileURLToPath(new URL('../src/cli/operator.ts', import.meta.url));
const PASSWORD = 'operator password 1';
let running: TestBookingSystem;
let client: BookingClient;
let rider: Session;
let driver: Session;
let operator: Session;
/** What `ensure-dev` printed on the database before any operator existed (what `pnpm start` shows). */
let firstEnsureDev: string;

async function runCli(args: readonly string[], env: Record<string, string>) {
  return promisify(execFile)(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, DATABASE_URL: running.database.databaseUrl, ...env },
  });
}

/** The command with `input` on its stdin (a pipe, not a terminal): the password is its first line. */
function runCliWithInput(args: readonly string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: running.database.databaseUrl };
  delete env['OPERATOR_PASSWORD'];
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function loginOperator(email: string, password: string) {
  return client.request({ method: 'POST', url: '/auth/operators/login', payload: { email, password } });
}

beforeAll(async () => {
  running = await startTestBookingSystem();
  client = new BookingClient(running.system.app);
  [rider, driver] = await Promise.all([client.registerUser(), client.registerDriver()]);
  firstEnsureDev = (await runCli(['ensure-dev', 'dev@rideline.local'], {})).stdout;
  await runCli(['add', 'Ops@Example.com'], { OPERATOR_PASSWORD: PASSWORD });
  const login = await loginOperator('ops@example.com', PASSWORD);
  expect(login.statusCode).toBe(200);
  operator = { id: login.json().operator.id, token: login.json().access_token };
}, 60_000);

afterAll(async () => {
  await running?.close();
});

describe('operator accounts', () => {
  it('logs in with the password given to `operator add`, and the token says operator', () => {
    expect(decodeJwt(operator.token)).toMatchObject({ sub: operator.id, kind: 'operator' });
  });

  it('refuses a wrong password with the login 401', async () => {
    const response = await loginOperator('ops@example.com', 'not the password');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ success: false, code: 'INVALID_CREDENTIALS' });
  });

  it('is not a rider or a driver: the same credentials do not log in there', async () => {
    const rider = await client.request({ method: 'POST', url: '/auth/users/login', payload: { email: 'ops@example.com', password: PASSWORD } });
    expect(rider.statusCode).toBe(401);
  });

  it('refuses a second operator with the same email, and a short password', async () => {
    await expect(runCli(['add', 'ops@example.com'], { OPERATOR_PASSWORD: PASSWORD })).rejects.toMatchObject({
      stderr: expect.stringContaining('already exists'),
    });
    await expect(runCli(['add', 'other@example.com'], { OPERATOR_PASSWORD: 'short' })).rejects.toMatchObject({
      stderr: expect.stringContaining('at least 8'),
    });
  }, 60_000);

  it('`ensure-dev` on a database without operators creates one and prints its credentials, which log in', async () => {
    const printed = /^development operator created \(shown once\): (\S+) \/ (\S+)\n$/.exec(firstEnsureDev);
    expect(printed, firstEnsureDev).not.toBeNull();
    expect(printed![1]).toBe('dev@rideline.local');
    const login = await loginOperator(printed![1]!, printed![2]!);
    expect(login.statusCode).toBe(200);
    expect(decodeJwt(login.json().access_token)).toMatchObject({ kind: 'operator' });
  });

  it('`ensure-dev` creates nothing once an operator exists, and says how to add one', async () => {
    const before = await running.system.prisma.operator.count();
    const { stdout } = await runCli(['ensure-dev', 'other-dev@rideline.local'], {});
    expect(stdout).toBe(`console operators already exist (${before}); add one with: pnpm operator add <email>\n`);
    expect(await running.system.prisma.operator.count()).toBe(before);
  }, 30_000);

  it('`add` reads the password from stdin when OPERATOR_PASSWORD is not set', async () => {
    const added = await runCliWithInput(['add', 'piped@example.com'], 'piped password 1\n');
    expect(added, added.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining('operator piped@example.com created') });
    expect((await loginOperator('piped@example.com', 'piped password 1')).statusCode).toBe(200);
    const refused = await runCliWithInput(['add', 'empty@example.com'], '');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 8') });
  }, 60_000);

  it('refreshes like any other session, keeping the operator kind', async () => {
    const login = await loginOperator('ops@example.com', PASSWORD);
    const refreshed = await client.request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.json().refresh_token } });
    expect(refreshed.statusCode).toBe(200);
    expect(decodeJwt(refreshed.json().access_token)).toMatchObject({ sub: operator.id, kind: 'operator' });
  });
});

describe('operator tokens on rider and driver routes', () => {
  it.each([
    ['GET', '/bookings'],
    ['POST', '/bookings'],
    ['GET', '/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b'],
    ['POST', '/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/accept'],
    ['POST', '/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/start'],
    ['POST', '/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/complete'],
    ['POST', '/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/cancel'],
  ])('%s %s answers 403', async (method, url) => {
    const response = await client.request({ method: method as 'GET' | 'POST', url, token: operator.token, payload: method === 'POST' ? {} : undefined });
    expect(response.statusCode).toBe(403);
  });
});

describe('GET /ops/bookings/:id/events', () => {
  it("lists a booking's events for an operator, without the OTP hash", async () => {
    const booking = await client.book(rider);
    await new OfferPublisher(running.system.kafka.publisher).offer(booking.booking_id, driver.id);
    expect((await client.act(driver, booking.booking_id, 'accept')).statusCode).toBe(200);
    const response = await client.request({ method: 'GET', url: `/ops/bookings/${booking.booking_id}/events`, token: operator.token });
    expect(response.statusCode).toBe(200);
    const { events } = response.json() as { events: { type: string; version: number; data: Record<string, unknown> }[] };
    expect(events.map((event) => event.type)).toEqual(['BookingRequested', 'BookingAccepted', 'OtpIssued']);
    expect(events.map((event) => event.version)).toEqual([1, 2, 3]);
    expect(JSON.stringify(events)).not.toContain('otp_hash');
  }, 30_000);

  it('refuses riders and drivers (403) and a missing token (401)', async () => {
    const url = '/ops/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/events';
    expect((await client.request({ method: 'GET', url, token: rider.token })).statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url, token: driver.token })).statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown booking', async () => {
    const url = '/ops/bookings/7f0c2f52-8f0a-4a5e-9d7b-1c2d3e4f5a6b/events';
    const response = await client.request({ method: 'GET', url, token: operator.token });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'BOOKING_NOT_FOUND' });
  });
});
