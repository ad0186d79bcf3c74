import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { City } from './city.ts';
import { isEnded } from './city.ts';
import { BOOKING_COLOURS, DRIVER_COLOURS, OFFER_LINE_COLOUR } from './colours.ts';

export interface MapSettings {
  readonly tileUrl: string | null;
  readonly tileAttribution: string;
  readonly center: readonly [number, number];
}

/** Graticule spacing (degrees) for a zoom level: about 4 to 10 lines across the view. */
const graticuleStep = (zoom: number): number => {
  const steps = [30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];
  return steps[Math.max(0, Math.min(steps.length - 1, Math.floor(zoom / 1.5)))]!;
};

/**
 * The live map: Leaflet for panning, zooming and (when configured) a tile basemap, and one
 * canvas over it on which everything is drawn each animation frame that has something new:
 * 10,000 drivers are 10,000 arcs in five paths (one per colour), never 10,000 DOM nodes.
 * Without tiles the map is a plain background with a graticule, so it works offline.
 */
export class MapView {
  readonly map: L.Map;
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;
  readonly #city: City;
  readonly #showGraticule: boolean;
  #scheduled = false;
  #selected: string | null = null;
  /** Every frame's draw time (ms), for the frame-time measurement. */
  readonly drawTimes: number[] = [];

  constructor(container: HTMLElement, city: City, settings: MapSettings) {
    this.#city = city;
    this.map = L.map(container, { zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, attributionControl: true });
    this.map.setView([settings.center[0], settings.center[1]], 13);
    this.#showGraticule = settings.tileUrl === null;
    if (settings.tileUrl !== null) L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution, maxZoom: 19 }).addTo(this.map);
    else this.map.attributionControl.addAttribution('No basemap (offline): set OPS_TILE_URL for one');
    this.#canvas = document.createElement('canvas');
    this.#canvas.className = 'map-overlay';
    this.#canvas.id = 'map-canvas';
    container.appendChild(this.#canvas);
    this.#context = this.#canvas.getContext('2d')!;
    this.map.on('move zoom resize viewreset', () => this.requestDraw());
    new ResizeObserver(() => {
      this.map.invalidateSize();
      this.requestDraw();
    }).observe(container);
  }

  select(bookingId: string | null): void {
    this.#selected = bookingId;
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      const started = performance.now();
      this.#draw();
      this.drawTimes.push(performance.now() - started);
      if (this.drawTimes.length > 10_000) this.drawTimes.splice(0, 5_000);
    });
  }

  /**
   * Web Mercator straight to container pixels, for the fleet: Leaflet's latLngToContainerPoint
   * allocates two objects per call, which 10,000 drivers a frame turn into garbage-collector work.
   * Same formula as Leaflet's EPSG:3857, anchored on the map's own projection of the top-left corner.
   */
  #projector(): { x: (lng: number) => number; y: (lat: number) => number } {
    const scale = 256 * 2 ** this.map.getZoom();
    const origin = this.map.project(this.map.containerPointToLatLng([0, 0]));
    const maxLat = 85.0511287798;
    return {
      x: (lng) => ((lng + 180) / 360) * scale - origin.x,
      y: (lat) => {
        const sin = Math.sin((Math.max(-maxLat, Math.min(maxLat, lat)) * Math.PI) / 180);
        return (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale - origin.y;
      },
    };
  }

  /** Where a position is drawn, in CSS pixels of the map container. */
  pointOf(lat: number, lng: number): { x: number; y: number } {
    return this.map.latLngToContainerPoint([lat, lng]);
  }

  #draw(): void {
    const size = this.map.getSize();
    const ratio = window.devicePixelRatio || 1;
    if (this.#canvas.width !== size.x * ratio || this.#canvas.height !== size.y * ratio) {
      this.#canvas.width = size.x * ratio;
      this.#canvas.height = size.y * ratio;
      this.#canvas.style.width = `${size.x}px`;
      this.#canvas.style.height = `${size.y}px`;
    }
    const ctx = this.#context;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    if (this.#showGraticule) this.#drawGraticule(size);
    this.#drawOffers();
    this.#drawBookings(size);
    this.#drawDrivers(size);
    this.#city.changed.drivers = false;
  }

  #drawGraticule(size: L.Point): void {
    const ctx = this.#context;
    const bounds = this.map.getBounds();
    const step = graticuleStep(this.map.getZoom());
    ctx.strokeStyle = 'rgba(148, 163, 184, 0.25)';
    ctx.fillStyle = 'rgba(148, 163, 184, 0.7)';
    ctx.lineWidth = 1;
    ctx.font = '10px system-ui, sans-serif';
    ctx.beginPath();
    const digits = step < 1 ? Math.ceil(-Math.log10(step)) : 0;
    for (let lng = Math.ceil(bounds.getWest() / step) * step; lng <= bounds.getEast(); lng += step) {
      const x = Math.round(this.map.latLngToContainerPoint([bounds.getNorth(), lng]).x) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, size.y);
      ctx.fillText(lng.toFixed(digits), x + 3, size.y - 4);
    }
    for (let lat = Math.ceil(bounds.getSouth() / step) * step; lat <= bounds.getNorth(); lat += step) {
      const y = Math.round(this.map.latLngToContainerPoint([lat, bounds.getWest()]).y) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(size.x, y);
      ctx.fillText(lat.toFixed(digits), 3, y - 3);
    }
    ctx.stroke();
  }

  #drawOffers(): void {
    const ctx = this.#context;
    ctx.strokeStyle = OFFER_LINE_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    for (const offer of this.#city.offers.values()) {
      const booking = this.#city.bookings.get(offer.booking_id);
      const driver = this.#city.drivers.get(offer.driver_id);
      if (!booking || driver?.lat == null || driver.lng == null) continue;
      const from = this.pointOf(booking.pickup.lat, booking.pickup.lng);
      const to = this.pointOf(driver.lat, driver.lng);
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  #drawBookings(size: L.Point): void {
    const ctx = this.#context;
    for (const booking of this.#city.bookings.values()) {
      const pickup = this.pointOf(booking.pickup.lat, booking.pickup.lng);
      const dropoff = this.pointOf(booking.dropoff.lat, booking.dropoff.lng);
      if (!visible(pickup, size) && !visible(dropoff, size)) continue;
      const colour = BOOKING_COLOURS[booking.status];
      const selected = booking.id === this.#selected;
      ctx.globalAlpha = isEnded(booking) ? 0.3 : 1;
      // The trip itself, faint: which pickup goes with which drop-off.
      ctx.strokeStyle = colour;
      ctx.lineWidth = selected ? 2.5 : 1;
      ctx.globalAlpha *= selected ? 1 : 0.35;
      ctx.beginPath();
      ctx.moveTo(pickup.x, pickup.y);
      ctx.lineTo(dropoff.x, dropoff.y);
      ctx.stroke();
      ctx.globalAlpha = isEnded(booking) ? 0.3 : 1;
      // Pickup: a filled square; drop-off: a ring.
      const half = selected ? 8 : 6;
      ctx.fillStyle = colour;
      ctx.fillRect(pickup.x - half, pickup.y - half, half * 2, half * 2);
      ctx.strokeStyle = selected ? '#ffffff' : '#0f172a';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(pickup.x - half, pickup.y - half, half * 2, half * 2);
      ctx.beginPath();
      ctx.arc(dropoff.x, dropoff.y, half - 1, 0, Math.PI * 2);
      ctx.strokeStyle = colour;
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  #drawDrivers(size: L.Point): void {
    const ctx = this.#context;
    const zoom = this.map.getZoom();
    const radius = zoom >= 14 ? 5 : zoom >= 13 ? 3.5 : 2.5;
    const project = this.#projector();
    const paths = new Map<string, Path2D>();
    // Round dots while they are few; beyond that squares, which a software rasteriser fills
    // several times faster and which look the same at a city's zoom.
    let visibleCount = 0;
    const xs = new Float64Array(this.#city.drivers.size);
    const ys = new Float64Array(this.#city.drivers.size);
    const colours: string[] = [];
    for (const driver of this.#city.drivers.values()) {
      if (driver.lat === null || driver.lng === null) continue;
      const x = project.x(driver.lng);
      const y = project.y(driver.lat);
      if (x < -20 || y < -20 || x > size.x + 20 || y > size.y + 20) continue;
      xs[visibleCount] = x;
      ys[visibleCount] = y;
      colours[visibleCount] = DRIVER_COLOURS[driver.state];
      visibleCount++;
    }
    const round = visibleCount <= ROUND_DOTS_UP_TO;
    for (let i = 0; i < visibleCount; i++) {
      const colour = colours[i]!;
      let path = paths.get(colour);
      if (!path) paths.set(colour, (path = new Path2D()));
      const x = xs[i]!;
      const y = ys[i]!;
      if (round) {
        path.moveTo(x + radius, y);
        path.arc(x, y, radius, 0, Math.PI * 2);
      } else {
        path.rect(x - radius, y - radius, radius * 2, radius * 2);
      }
    }
    // Offline first, so the drivers that matter are drawn on top.
    const order = [DRIVER_COLOURS.offline, DRIVER_COLOURS.available, DRIVER_COLOURS.assigned, DRIVER_COLOURS.on_trip, DRIVER_COLOURS.offered];
    for (const colour of order) {
      const path = paths.get(colour);
      if (!path) continue;
      ctx.fillStyle = colour;
      ctx.fill(path);
    }
  }
}

/** Beyond this many drivers in view they are drawn as squares (see #drawDrivers). */
const ROUND_DOTS_UP_TO = 2_000;

const visible = (point: { x: number; y: number }, size: L.Point): boolean =>
  point.x >= -20 && point.y >= -20 && point.x <= size.x + 20 && point.y <= size.y + 20;
