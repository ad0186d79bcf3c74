/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the whole
 * system: the three services as processes on the real broker and database, an operator made
 * with `pnpm operator add`, and riders and drivers driven over HTTP as apps would. What is on the
 * map is read back from the canvas pixels at the projected positions.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expectOk, registerDriver, registerUser, type AppAccount } from '@rideline/e2e/client';
import { RunningSystem } from '@rideline/e2e/system';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, colourAt, untilValue } from './support/browser.ts';
import { addOperator, startConsole, type TestConsole } from './support/console.ts';

const EMAIL = 'ops@example.com';
const PASSWORD = 'operator password 1';
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS'];
// The colours of src/web/colours.ts, as the canvas reads them back.
const AVAILABLE = '#22c55e';
const PENDING = '#ef4444';
const ACCEPTED = '#3b82f6';
/** A place of the test's own, far from anything another test drew. */
const DRIVER_AT = { lat: 12.9301, lng: 77.6101 };
const PICKUP = { lat: 12.9331, lng: 77.6131, address: 'Pickup for the console test' };
const DROPOFF = { lat: 12.9501, lng: 77.6301, address: 'Drop-off for the console test' };
/** `pnpm demo`, run as a user runs it, in a corner of the city of its own. */
const DEMO = fileURLToPath(new URL('../../../packages/demo/src/main.ts', import.meta.url));
const DEMO_CENTRE = { lat: 12.85, lng: 77.45 };
const DRIVER_COLOURS = [AVAILABLE, '#f59e0b', ACCEPTED, '#a855f7'];

let system: RunningSystem;
let console_: TestConsole;
let browser: Browser;
let page: Page;
let driver: AppAccount;
let rider: AppAccount;
let bookingId: string;

beforeAll(async () => {
  system = await RunningSystem.start({ OPS_STREAM_ENABLED: 'true', OPS_FRAME_INTERVAL_MS: '200' });
  await addOperator(system.env['DATABASE_URL']!, EMAIL, PASSWORD);
  console_ = await startConsole({
    BOOKING_URL: system.url('booking-service'),
    DISPATCH_URL: system.url('dispatch-service'),
    GATEWAY_URL: system.url('realtime-gateway'),
  });
  const urls = { booking: system.url('booking-service'), dispatch: system.url('dispatch-service') };
  [driver, rider] = await Promise.all([registerDriver(urls), registerUser(urls)]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await console_?.close();
  await system?.stop();
});

const shot = async (name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
};

describe('the ops console in a browser', () => {
  it('shows an error for a wrong password and stays on the login page', async () => {
    await page.goto(console_.url);
    await page.fill('#login-email', EMAIL);
    await page.fill('#login-password', 'not the password');
    await page.click('#login-submit');
    await page.locator('#login-error', { hasText: 'Invalid email or password.' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#map').count()).toBe(0);
    await shot('login-error');
  });

  it('logs in and opens the live stream', async () => {
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#operator-email')).toBe(EMAIL);
    await page.evaluate(({ lat, lng }) => window.ridelineConsole!.setView(lat, lng, 14), DRIVER_AT);
  });

  it('draws a driver on the map when it pings, in the available colour', async () => {
    expect(await colourAt(page, DRIVER_AT.lat, DRIVER_AT.lng)).not.toBe(AVAILABLE);
    expectOk(await driver.client.drivers.setAvailability(true));
    expectOk(await driver.client.drivers.setLocation(DRIVER_AT));
    await untilValue(() => colourAt(page, DRIVER_AT.lat, DRIVER_AT.lng), AVAILABLE, 15_000, 'driver dot');
    await untilValue(async () => Number(await page.textContent('#counter-drivers-online')) >= 1, true, 5_000, 'drivers online counter');
  });

  it('draws a booking pending, then in the accepted colour once the driver accepts', async () => {
    bookingId = expectOk(await rider.client.bookings.create({ pickup: PICKUP, dropoff: DROPOFF })).booking_id;
    await untilValue(() => colourAt(page, PICKUP.lat, PICKUP.lng), PENDING, 15_000, 'pending pickup');
    await page.locator(`tr[data-booking-id="${bookingId}"] .status[data-status="pending"]`).waitFor({ timeout: 5_000 });
    // Dispatch offers it to the driver nearby (the dashed line); the driver accepts.
    await untilValue(async () => (await driver.client.bookings.accept(bookingId)).ok, true, 20_000, 'accept');
    await untilValue(() => colourAt(page, PICKUP.lat, PICKUP.lng), ACCEPTED, 15_000, 'accepted pickup');
    await page.locator(`tr[data-booking-id="${bookingId}"] .status[data-status="accepted"]`).waitFor({ timeout: 5_000 });
    await shot('accepted');
  });

  it("lists the booking's events in the detail panel", async () => {
    await page.click(`tr[data-booking-id="${bookingId}"]`);
    await page.locator('#detail-history li[data-type="BookingAccepted"]').waitFor({ timeout: 10_000 });
    const types = await page.locator('#detail-history li').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
    expect(types).toEqual(['BookingRequested', 'BookingAccepted', 'OtpIssued']);
    expect(await page.textContent('#detail-status')).toContain('accepted');
    await shot('detail');
  });

  it('shows the rides `pnpm demo` plays: its drivers on the map, its bookings through to completed', async () => {
    const urls = ['--booking', system.url('booking-service'), '--dispatch', system.url('dispatch-service'), '--gateway', system.url('realtime-gateway')];
    const settings = ['--riders', '3', '--drivers', '4', '--duration', '8', '--center', `${DEMO_CENTRE.lat},${DEMO_CENTRE.lng}`, '--radius', '2'];
    const demo = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', DEMO, ...urls, ...settings], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [demo.stdout, demo.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      await page.evaluate(({ lat, lng }) => window.ridelineConsole!.setView(lat, lng, 13), DEMO_CENTRE);
      await page.selectOption('#filter-status', 'all');
      const demoRows = page.locator('#bookings-table tbody tr', { hasText: 'Pickup point' });
      await demoRows.first().waitFor({ timeout: 30_000 });
      // The demo's drivers, far from this test's own: painted in a driver state's colour.
      const painted = await page.evaluate((colours) => {
        const canvas = document.getElementById('map-canvas') as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const wanted = new Set(colours);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          const hex = `#${[data[i]!, data[i + 1]!, data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
          if (data[i + 3] === 255 && wanted.has(hex)) count++;
        }
        return count;
      }, DRIVER_COLOURS);
      expect(painted).toBeGreaterThan(0);
      await demoRows.locator('.status[data-status="completed"]').first().waitFor({ timeout: 60_000 });
      await shot('demo');
      expect(await exited, output).toBe(0);
    } finally {
      if (demo.exitCode === null) demo.kill('SIGINT');
      await page.selectOption('#filter-status', 'active');
    }
  }, 120_000);

  it('returns to the login page when the session ends (logged out elsewhere: the socket closes, the refresh is refused)', async () => {
    const refreshToken = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('rideline.ops.session')!) as { refreshToken: string }).refreshToken);
    const logout = await fetch(`${system.url('booking-service')}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    expect(logout.status).toBe(204);
    await page.locator('#login-notice', { hasText: 'Your session has expired' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#map').count()).toBe(0);
  });

  it('returns to the login page on load when the stored session has expired', async () => {
    await page.fill('#login-email', EMAIL);
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 20_000 });
    // What a tab left open overnight holds: an access token long expired, a refresh token that no longer works.
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('rideline.ops.session')!) as Record<string, unknown>;
      const expired = { alg: 'EdDSA', typ: 'JWT' };
      const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      stored['accessToken'] = `${encode(expired)}.${encode({ sub: 'x', kind: 'operator', exp: 1 })}.c2ln`;
      stored['refreshToken'] = 'rt_expired';
      stored['expiresAt'] = 1;
      sessionStorage.setItem('rideline.ops.session', JSON.stringify(stored));
    });
    await page.reload();
    await page.locator('#login-notice', { hasText: 'Your session has expired' }).waitFor({ timeout: 15_000 });
    await shot('expired');
  });
});
