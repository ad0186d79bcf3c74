import type { OpsMessage } from '@rideline/contracts/ops-messages';
import { City } from './city.ts';
import { BOOKING_COLOURS, DRIVER_COLOURS } from './colours.ts';
import { Counters, type ServiceLag } from './counters.ts';
import { DetailPanel } from './detail.ts';
import { h } from './dom.ts';
import { LiveStream } from './live-stream.ts';
import { MapView } from './map-view.ts';
import { logOut, refresh, type Session } from './session.ts';
import { BookingTable } from './table.ts';
import type { ConsoleTestHook } from './test-hook.ts';

export interface ConsoleSettings {
  readonly gateway_ws_url: string;
  readonly tile_url: string | null;
  readonly tile_attribution: string;
}

/** The session ended (refresh refused): the page returns to login with this notice. */
const SESSION_EXPIRED = 'Your session has expired. Log in again.';

const TABLE_INTERVAL_MS = 500;
const LAG_INTERVAL_MS = 5_000;
/** Refresh the access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

const legend = (): HTMLElement =>
  h(
    'div',
    { class: 'legend' },
    ...Object.entries(DRIVER_COLOURS).map(([state, colour]) => h('span', { class: 'swatch driver', style: `--swatch: ${colour}` }, state.replace('_', ' '))),
    h('span', { class: 'swatch booking', style: `--swatch: ${BOOKING_COLOURS.pending}` }, 'pickup ■ / drop-off ○ by status'),
    h('span', { class: 'swatch offer' }, 'open offer'),
  );

/**
 * The console after login: header with counters, the map, the bookings table and the detail
 * panel, all fed by one City folded from the operator stream. Returns a function that tears it
 * down (logout, session over).
 */
export function showConsole(root: HTMLElement, first: Session, settings: ConsoleSettings, onSessionOver: (notice?: string) => void): () => void {
  let session = first;
  let over = false;
  const city = new City();
  const mapContainer = h('div', { class: 'map', id: 'map' });
  const state = h('span', { class: 'connection', id: 'connection-state' }, 'connecting');
  const logout = h('button', { type: 'button', id: 'logout' }, 'Log out');
  const counters = new Counters(city);
  const timers: number[] = [];

  const end = (notice?: string) => {
    if (over) return;
    over = true;
    stream.stop();
    for (const timer of timers) clearInterval(timer);
    clearTimeout(refreshTimer);
    onSessionOver(notice);
  };

  /** A fresh token, or the end of the console when the session is over. */
  const renew = async (): Promise<boolean> => {
    const next = await refresh(session);
    if (next === null) {
      end(SESSION_EXPIRED);
      return false;
    }
    session = next;
    scheduleRefresh();
    return true;
  };
  let refreshTimer = 0;
  const scheduleRefresh = () => {
    clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(
      () => void renew().then((ok) => ok && stream.refreshToken(session.accessToken)),
      Math.max(1_000, session.expiresAt - Date.now() - REFRESH_MARGIN_MS),
    );
  };

  /** Operator-only HTTP through the console's front; a 401 after one refresh ends the session. */
  const authorized = async (path: string): Promise<Response> => {
    let response = await fetch(path, { headers: { authorization: `Bearer ${session.accessToken}` } });
    if (response.status === 401 && (await renew())) {
      response = await fetch(path, { headers: { authorization: `Bearer ${session.accessToken}` } });
    }
    if (response.status === 401) end(SESSION_EXPIRED);
    return response;
  };

  let selected: string | null = null;
  const select = (bookingId: string | null) => {
    selected = bookingId;
    table.select(bookingId);
    map.select(bookingId);
    detail.show(bookingId);
  };
  const table = new BookingTable(city, (id) => select(id === selected ? null : id));
  const detail = new DetailPanel(
    city,
    async (bookingId) => {
      const response = await authorized(`/api/bookings/${bookingId}/events`);
      if (!response.ok) throw new Error(`History unavailable (HTTP ${response.status}).`);
      return ((await response.json()) as { events: [] }).events;
    },
    () => select(null),
  );

  root.replaceChildren(
    h(
      'div',
      { class: 'console' },
      h(
        'header',
        {},
        h('h1', {}, 'Rideline ops'),
        counters.element,
        h('div', { class: 'session' }, state, h('span', { class: 'who', id: 'operator-email' }, session.email), logout),
      ),
      legend(),
      h('div', { class: 'workspace' }, mapContainer, h('div', { class: 'side' }, table.element, detail.element)),
    ),
  );
  const map = new MapView(mapContainer, city, { tileUrl: settings.tile_url, tileAttribution: settings.tile_attribution, center: [12.9716, 77.5946] });
  let centred = false;

  const stream = new LiveStream({
    gatewayUrl: settings.gateway_ws_url,
    token: () => session.accessToken,
    onMessage: (message: OpsMessage) => {
      city.apply(message);
      if (!centred && message.type === 'ops_snapshot') centred = centre(map, message);
      map.requestDraw();
      detail.refresh();
    },
    onState: (value) => {
      state.textContent = value;
      state.dataset['state'] = value;
    },
    onTokenRefused: renew,
  });
  logout.addEventListener('click', () => {
    const ending = session;
    end();
    void logOut(ending);
  });

  timers.push(
    window.setInterval(() => {
      counters.render();
      if (city.changed.bookings) {
        city.changed.bookings = false;
        table.render();
        map.requestDraw();
      }
    }, TABLE_INTERVAL_MS),
  );
  const readLag = async () => {
    const response = await authorized('/api/lag').catch(() => null);
    if (response?.ok) counters.showLag(((await response.json()) as { services: ServiceLag[] }).services);
  };
  void readLag();
  timers.push(window.setInterval(() => void readLag(), LAG_INTERVAL_MS));
  scheduleRefresh();
  stream.connect();
  exposeForTests(map, city, stream);
  return () => end();
}

/** Centres the map on the drivers of the first snapshot (the city the demo or a test runs in). */
function centre(map: MapView, snapshot: OpsMessage): boolean {
  const points = snapshot.drivers.filter((d) => d.lat !== null && d.lng !== null).map((d) => [d.lat!, d.lng!] as [number, number]);
  for (const booking of snapshot.bookings) points.push([booking.pickup.lat, booking.pickup.lng]);
  if (points.length === 0) return false;
  const lat = points.reduce((sum, [value]) => sum + value, 0) / points.length;
  const lng = points.reduce((sum, [, value]) => sum + value, 0) / points.length;
  map.map.setView([lat, lng], map.map.getZoom());
  return true;
}

declare global {
  interface Window {
    ridelineConsole?: ConsoleTestHook;
  }
}

function exposeForTests(map: MapView, city: City, stream: LiveStream): void {
  const canvas = () => document.getElementById('map-canvas') as HTMLCanvasElement;
  window.ridelineConsole = {
    pointOf: (lat, lng) => map.pointOf(lat, lng),
    colourAt: (x, y) => {
      const ratio = window.devicePixelRatio || 1;
      const [r, g, b, a] = canvas()
        .getContext('2d')!
        .getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
      return a === 0 ? 'transparent' : `#${[r, g, b].map((v) => (v ?? 0).toString(16).padStart(2, '0')).join('')}`;
    },
    driverCount: () => city.drivers.size,
    drawTimes: () => map.drawTimes,
    messageTimes: () => stream.handleTimes,
    setView: (lat, lng, zoom) => map.map.setView([lat, lng], zoom),
  };
}
