/**
 * What the page draws and lists for a city it is told about, in Debian's Chromium: a stand-in
 * gateway sends a snapshot holding every driver state, bookings in several statuses and an open
 * offer, then updates; stand-in services answer `/metrics` with known consumer lags. Read back
 * from the canvas pixels and the DOM: each driver state's colour, pickups and drop-offs coloured
 * by status, the dashed line from an open offer to its driver (gone once the offer closes), the
 * table's filters, every counter, the graticule offline, and a tile basemap when OPS_TILE_URL is
 * set (served here by the test: nothing is fetched from outside).
 * console.browser.test.ts covers the same page against the real services.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { generateSigningKey, staticKeys } from '@rideline/auth';
import type { OpsBooking, OpsDriver, OpsOffer, OpsSnapshotMessage, OpsStats, OpsUpdateMessage } from '@rideline/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { colourAt, launchChromium, openAsOperator, untilValue } from './support/browser.ts';
import { startConsole, type TestConsole } from './support/console.ts';

// The colours of src/web/colours.ts, as the canvas reads them back.
const DRIVER_COLOURS = { available: '#22c55e', offered: '#f59e0b', assigned: '#3b82f6', on_trip: '#a855f7', offline: '#64748b' } as const;
const BOOKING_COLOURS: Partial<Record<OpsBooking['status'], string>> = { pending: '#ef4444', accepted: '#3b82f6', on_trip: '#a855f7' };
const OFFER_LINE = '#f59e0b';
const GRATICULE = '#94a3b8';
const C = { lat: 12.97, lng: 77.59 };
const ZOOM = 15;
const at = (dLat: number, dLng: number, address = 'somewhere') => ({ lat: C.lat + dLat, lng: C.lng + dLng, address });

const driver = (state: OpsDriver['state'], dLat: number, dLng: number): OpsDriver => ({ id: randomUUID(), ...at(dLat, dLng), state, at: Date.now() });
const drivers = {
  available: driver('available', 0.008, -0.012),
  offered: driver('offered', 0, 0.01),
  assigned: driver('assigned', 0.004, -0.01),
  onTrip: driver('on_trip', -0.008, 0.008),
  offline: driver('offline', 0.01, 0.002),
};
const booking = (
  status: OpsBooking['status'],
  pickup: OpsBooking['pickup'],
  dropoff: OpsBooking['dropoff'],
  driverId: string | null,
  ageS: number,
): OpsBooking => {
  const requested = Date.now() - ageS * 1000;
  return {
    id: randomUUID(),
    status,
    user_id: randomUUID(),
    driver_id: driverId,
    pickup,
    dropoff,
    estimated_cost: 120,
    cancelled_by: null,
    requested_at: requested,
    first_offer_at: driverId === null ? null : requested + 2_000,
    accepted_at: status === 'pending' ? null : requested + 10_000,
    updated_at: requested + 10_000,
  };
};
// The pending booking's drop-off is straight below its pickup; its offer's line runs straight
// right to the offered driver, so the two lines never cross.
const bookings = {
  pending: booking('pending', at(0, -0.004, 'MG Road pickup'), at(-0.01, -0.004, 'MG Road drop-off'), null, 10),
  accepted: booking('accepted', at(-0.006, -0.012, 'Jayanagar pickup'), at(-0.012, -0.008, 'Jayanagar drop-off'), drivers.assigned.id, 20),
  onTrip: booking('on_trip', at(0.006, 0.004, 'Koramangala pickup'), at(0.006, 0.012, 'Ejipura drop-off'), drivers.onTrip.id, 30),
  // Out of view: counted and listed, not drawn.
  farOnTrip: booking('on_trip', at(0.1, 0.1, 'Far pickup'), at(0.11, 0.1, 'Far drop-off'), randomUUID(), 35),
  completed: booking('completed', at(0.012, -0.002, 'Hebbal pickup'), at(0.012, 0.006, 'Hebbal drop-off'), randomUUID(), 40),
};
const offer: OpsOffer = { booking_id: bookings.pending.id, driver_id: drivers.offered.id, offered_at: Date.now() - 5_000 };
const stats: OpsStats = { offers_last_minute: 12, median_time_to_offer_s: 2.5, median_time_to_accept_s: 14.2 };
/** What each stand-in service's /metrics reports, summed by the console. */
const LAGS = { 'booking-service': [3, 4], 'dispatch-service': [0], 'realtime-gateway': [42] } as const;

const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS'];
const signingKey = generateSigningKey();
let gateway: WebSocketServer;
const sockets = new Set<WebSocket>();
let metricsServers: Server[] = [];
let offline: TestConsole;
let withTiles: TestConsole;
let browser: Browser;
let page: Page;

function metricsServer(samples: readonly number[]): Promise<{ server: Server; url: string }> {
  const body = [
    '# TYPE rideline_kafka_consumer_lag_records gauge',
    ...samples.map((lag, partition) => `rideline_kafka_consumer_lag_records{group="g",topic="booking.events",partition="${partition}"} ${lag}`),
  ].join('\n');
  const server = createServer((request, response) => {
    if (request.url === '/metrics') response.writeHead(200, { 'content-type': 'text/plain' }).end(`${body}\n`);
    else response.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

const send = (message: OpsSnapshotMessage | OpsUpdateMessage) => {
  for (const socket of sockets) socket.send(JSON.stringify(message));
};

/** Opens the console logged in (the session login leaves in sessionStorage), centred on the city. */
async function open(target: Page, console_: TestConsole): Promise<void> {
  await openAsOperator(target, console_.url, signingKey, 'page@example.com');
  await target.locator('#connection-state[data-state="live"]').waitFor({ timeout: 20_000 });
  await target.waitForFunction(() => window.ridelineConsole?.driverCount() === 5, undefined, { timeout: 10_000 });
  await target.evaluate(({ lat, lng, zoom }) => window.ridelineConsole!.setView(lat, lng, zoom), { ...C, zoom: ZOOM });
  await target.waitForTimeout(300);
}

const near = (colour: string, expected: string, tolerance = 12): boolean => {
  if (!/^#[0-9a-f]{6}$/.test(colour)) return false;
  const channels = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const [a, b] = [channels(colour), channels(expected)];
  return a.every((value, i) => Math.abs(value - b[i]!) <= tolerance);
};

/** The colours along the middle of the open offer's line (pickup to driver), pixel by pixel. */
async function offerLineColours(target: Page): Promise<string[]> {
  return target.evaluate(
    ({ from, to }) => {
      const api = window.ridelineConsole!;
      const a = api.pointOf(from.lat, from.lng);
      const b = api.pointOf(to.lat, to.lng);
      const colours: string[] = [];
      for (let x = Math.ceil(a.x + (b.x - a.x) * 0.3); x < a.x + (b.x - a.x) * 0.7; x++) {
        const y = a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
        colours.push(api.colourAt(x, Math.floor(y)));
      }
      return colours;
    },
    { from: bookings.pending.pickup, to: { lat: drivers.offered.lat!, lng: drivers.offered.lng! } },
  );
}

/** Every painted pixel of one canvas column where nothing but the graticule can be. */
async function paintedInEmptyColumn(target: Page): Promise<string[]> {
  return target.evaluate(({ lat, lng }) => {
    const api = window.ridelineConsole!;
    const x = api.pointOf(lat, lng + 0.016).x;
    const height = document.getElementById('map-canvas')!.clientHeight;
    const painted: string[] = [];
    for (let y = 0; y < height - 20; y++) {
      const colour = api.colourAt(x, y);
      if (colour !== 'transparent') painted.push(colour);
    }
    return painted;
  }, C);
}

const shot = async (name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
};

const rowIds = (target: Page) =>
  target.locator('#bookings-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-booking-id')).sort());
const idsOf = (...list: OpsBooking[]) => list.map((b) => b.id).sort();

beforeAll(async () => {
  gateway = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'bearer' });
  await new Promise<void>((resolve) => gateway.once('listening', () => resolve()));
  gateway.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const snapshot: OpsSnapshotMessage = {
      type: 'ops_snapshot',
      at: Date.now(),
      drivers: Object.values(drivers),
      bookings: Object.values(bookings),
      offers: [offer],
      stats,
    };
    socket.send(JSON.stringify(snapshot));
  });
  const gatewayUrl = `ws://127.0.0.1:${(gateway.address() as { port: number }).port}`;
  const services = await Promise.all(Object.values(LAGS).map((samples) => metricsServer(samples)));
  metricsServers = services.map(({ server }) => server);
  const env = { OPS_GATEWAY_WS_URL: gatewayUrl, BOOKING_URL: services[0]!.url, DISPATCH_URL: services[1]!.url, GATEWAY_URL: services[2]!.url };
  const keys = staticKeys({ keys: [signingKey.publicJwk] });
  offline = await startConsole(env, keys);
  withTiles = await startConsole({ ...env, OPS_TILE_URL: 'http://tiles.rideline.test/{z}/{x}/{y}.png', OPS_TILE_ATTRIBUTION: 'Test tiles' }, keys);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await offline?.close();
  await withTiles?.close();
  for (const socket of sockets) socket.terminate();
  await new Promise((resolve) => gateway?.close(resolve));
  await Promise.all(metricsServers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('the page, offline (no basemap)', () => {
  it('fetches nothing but its own origin', async () => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await open(page, offline);
    page.removeAllListeners('request');
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(offline.url) && !url.startsWith('data:'))).toEqual([]);
  });

  it('colours each driver by its state', async () => {
    for (const [state, d] of [
      ['available', drivers.available],
      ['offered', drivers.offered],
      ['assigned', drivers.assigned],
      ['on_trip', drivers.onTrip],
      ['offline', drivers.offline],
    ] as const) {
      expect(await colourAt(page, d.lat!, d.lng!), state).toBe(DRIVER_COLOURS[state]);
    }
  });

  it('colours pickups (squares) and drop-offs (rings) by status', async () => {
    for (const b of [bookings.pending, bookings.accepted, bookings.onTrip]) {
      const colour = BOOKING_COLOURS[b.status];
      expect(await colourAt(page, b.pickup.lat, b.pickup.lng), `${b.status} pickup`).toBe(colour);
      // The ring's stroke, 5 px right of the drop-off's centre.
      const ring = await page.evaluate(({ lat, lng }) => {
        const api = window.ridelineConsole!;
        const point = api.pointOf(lat, lng);
        return api.colourAt(point.x + 5, point.y);
      }, b.dropoff);
      expect(ring, `${b.status} drop-off ring`).toBe(colour);
    }
  });

  it('draws a dashed line from the open offer to its driver', async () => {
    const colours = await offerLineColours(page);
    const onLine = colours.filter((colour) => near(colour, OFFER_LINE)).length;
    // Dashes (4 on, 3 off): more than half the pixels, never all.
    expect(onLine).toBeGreaterThan(colours.length / 3);
    expect(onLine).toBeLessThan(colours.length);
  });

  it('draws a graticule over a plain background', async () => {
    const painted = await paintedInEmptyColumn(page);
    expect(painted.length).toBeGreaterThan(0);
    for (const colour of painted) expect(near(colour, GRATICULE, 24), colour).toBe(true);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    expect(await page.textContent('.leaflet-control-attribution')).toContain('No basemap');
  });

  it('shows every counter: drivers online, bookings by status, offers per minute, medians, consumer lag per service', async () => {
    await untilValue(() => page.textContent('#counter-drivers-online'), '4', 5_000, 'drivers online (all but the offline one)');
    expect(await page.textContent('#counter-pending')).toBe('1');
    expect(await page.textContent('#counter-accepted')).toBe('1');
    expect(await page.textContent('#counter-on-trip')).toBe('2');
    expect(await page.textContent('#counter-offers-per-minute')).toBe('12');
    expect(await page.textContent('#counter-time-to-offer')).toBe('2.5 s');
    expect(await page.textContent('#counter-time-to-accept')).toBe('14.2 s');
    await page.locator('#counter-lag .lag-entry').first().waitFor({ timeout: 10_000 });
    const lag = await page
      .locator('#counter-lag .lag-entry')
      .evaluateAll((entries) => Object.fromEntries(entries.map((entry) => [entry.getAttribute('data-service'), entry.textContent])));
    expect(lag).toEqual({ 'booking-service': 'booking 7', 'dispatch-service': 'dispatch 0', 'realtime-gateway': 'gateway 42' });
    await shot('page-city');
  });

  it('filters the bookings table by status and by text', async () => {
    await untilValue(
      async () => (await rowIds(page)).join(),
      idsOf(bookings.pending, bookings.accepted, bookings.onTrip, bookings.farOnTrip).join(),
      5_000,
      'active rows',
    );
    await page.selectOption('#filter-status', 'ended');
    expect(await rowIds(page)).toEqual(idsOf(bookings.completed));
    await page.selectOption('#filter-status', 'on_trip');
    expect(await rowIds(page)).toEqual(idsOf(bookings.onTrip, bookings.farOnTrip));
    await page.selectOption('#filter-status', 'all');
    expect(await rowIds(page)).toEqual(idsOf(...Object.values(bookings)));
    await page.fill('#filter-text', 'koramangala');
    expect(await rowIds(page)).toEqual(idsOf(bookings.onTrip));
    await page.fill('#filter-text', 'EJIPURA');
    expect(await rowIds(page)).toEqual(idsOf(bookings.onTrip));
    await page.fill('#filter-text', bookings.accepted.id.slice(0, 8));
    expect(await rowIds(page)).toEqual(idsOf(bookings.accepted));
    await page.fill('#filter-text', '');
    await page.selectOption('#filter-status', 'active');
  });

  it('follows updates: the offer closes (its line goes), the booking and driver change colour, a driver gone leaves the map, counters move', async () => {
    const accepted: OpsBooking = { ...bookings.pending, status: 'accepted', driver_id: drivers.offered.id, accepted_at: Date.now() };
    send({
      type: 'ops_update',
      at: Date.now(),
      drivers: [{ ...drivers.offered, state: 'assigned', at: Date.now() }],
      drivers_gone: [drivers.offline.id],
      bookings: [accepted],
      offers: [],
      offers_closed: [{ booking_id: offer.booking_id, driver_id: offer.driver_id, reason: 'accepted' }],
      stats: { ...stats, offers_last_minute: 13 },
    });
    await untilValue(() => colourAt(page, bookings.pending.pickup.lat, bookings.pending.pickup.lng), BOOKING_COLOURS.accepted, 5_000, 'accepted pickup');
    expect(await colourAt(page, drivers.offered.lat!, drivers.offered.lng!)).toBe(DRIVER_COLOURS.assigned);
    expect(await colourAt(page, drivers.offline.lat!, drivers.offline.lng!)).not.toBe(DRIVER_COLOURS.offline);
    expect((await offerLineColours(page)).filter((colour) => near(colour, OFFER_LINE))).toEqual([]);
    await untilValue(() => page.textContent('#counter-offers-per-minute'), '13', 5_000, 'offers per minute');
    expect(await page.textContent('#counter-pending')).toBe('0');
    expect(await page.textContent('#counter-accepted')).toBe('2');
    expect(await page.textContent('#counter-on-trip')).toBe('2');
    expect(await page.textContent('#counter-drivers-online')).toBe('4');
    await shot('page-after-update');
  });
});

describe('the page with a basemap (OPS_TILE_URL)', () => {
  it('draws the tiles from that URL, with their attribution, and no graticule', async () => {
    const tiles: string[] = [];
    // A 1×1 PNG stands in for the tile server.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.route('http://tiles.rideline.test/**', (route) => {
      tiles.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: png });
    });
    await open(page, withTiles);
    await page.locator('img.leaflet-tile-loaded').first().waitFor({ timeout: 10_000 });
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((url) => /^http:\/\/tiles\.rideline\.test\/\d+\/\d+\/\d+\.png$/.test(url))).toBe(true);
    expect(await page.textContent('.leaflet-control-attribution')).toContain('Test tiles');
    expect(await paintedInEmptyColumn(page)).toEqual([]);
    // The city is drawn over the tiles as before.
    expect(await colourAt(page, drivers.available.lat!, drivers.available.lng!)).toBe(DRIVER_COLOURS.available);
    await shot('page-tiles');
  });
});
