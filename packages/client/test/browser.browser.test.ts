/**
 * The built client kit in a real browser (Debian's Chromium): dist/ bundled as a web app's
 * bundler would (esbuild, platform browser, its dependencies included), a rider socket on the
 * browser's own WebSocket, so the token can only travel as the `bearer` subprotocol, against
 * a real gateway and broker. CI installs Chromium (.ci/run).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { events, newId, publish } from '../../../services/realtime-gateway/test/support/events.ts';
import { useGatewayHarness } from '../../../services/realtime-gateway/test/support/harness.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const PACKAGE_DIR = new URL('..', import.meta.url).pathname;

const h = useGatewayHarness('client-browser');

const PAGE = '<!doctype html><title>a rider app</title><script type="module" src="/app.js"></script>';
/**
 * The app: a rider socket on the browser's own WebSocket (recording the subprotocol the server
 * agreed to), what it hears kept on `window.app`; the gateway and token from the URL's hash.
 */
const APP_SCRIPT = `
import { riderSocket } from '/client.js';
const { url, token } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const app = { messages: [], states: [], protocols: [] };
class Watched extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols);
    this.addEventListener('open', () => app.protocols.push(this.protocol));
  }
}
const controller = new AbortController();
const socket = riderSocket({ url, getToken: () => token, WebSocket: Watched, signal: controller.signal });
socket.on('booking_status', (message) => app.messages.push(message));
socket.on('otp', (message) => app.messages.push(message));
socket.on('state', (state) => app.states.push(state.state));
socket.stopped.then((stopped) => { app.stopped = stopped; });
Object.assign(window, { app, stopRider: () => controller.abort() });
`;

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  // dist/ as an app consumes it: the built entry point, not the workspace's TypeScript source.
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  await promisify(execFile)('pnpm', ['run', 'build'], { cwd: PACKAGE_DIR });
  const bundle = await build({
    entryPoints: [`${PACKAGE_DIR}dist/index.js`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/client.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (request.url === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(APP_SCRIPT);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** What the page's app saw, kept on `window.app`. */
interface PageApp {
  messages: { type: string; booking_id?: string; status?: string; otp?: string }[];
  states: string[];
  protocols: string[];
  stopped?: { reason: string; code: number | null };
}

// Evaluated in the page, as text: the test's own TypeScript has no DOM.
const appOf = (page: Page) => page.evaluate('window.app') as Promise<PageApp>;
const until = (page: Page, condition: string, timeout = 15_000) => page.waitForFunction(condition, undefined, { timeout });

it('a rider socket from a web page: bearer subprotocol, typed messages, stopped by its AbortSignal', { timeout: 60_000 }, async () => {
  const rider = { kind: 'user' as const, id: newId() };
  const token = await h.issuer.token(rider, 300);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/#${encodeURIComponent(JSON.stringify({ url: h.gateway.wsBase, token }))}`);
  await until(page, "window.app?.states.includes('open')");

  const booking = { bookingId: newId(), userId: rider.id };
  await publish.booking(h.kafka, events.requested(booking), events.accepted(booking, newId(), 2));
  await until(page, 'window.app.messages.length >= 2');
  await publish.notice(h.kafka, events.otp(booking, '424242'));
  await until(page, 'window.app.messages.length >= 3');

  await page.evaluate('window.stopRider()');
  await until(page, 'window.app.stopped !== undefined', 5_000);
  const app = await appOf(page);
  expect(app.protocols).toEqual(['bearer']);
  expect(app.messages).toEqual([
    expect.objectContaining({ type: 'booking_status', booking_id: booking.bookingId, status: 'pending' }),
    expect.objectContaining({ type: 'booking_status', booking_id: booking.bookingId, status: 'accepted' }),
    expect.objectContaining({ type: 'otp', booking_id: booking.bookingId, otp: '424242' }),
  ]);
  expect(app.states).toEqual(['connecting', 'open', 'stopped']);
  expect(app.stopped).toEqual({ reason: 'aborted', code: null });
  expect(errors).toEqual([]);
});
