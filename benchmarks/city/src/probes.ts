import { http, type Account } from '@rideline/e2e/client';
import type { Point } from '@rideline/demo/city';
import type WebSocket from 'ws';
import type { AccountMint } from './accounts.ts';
import { epochMs, sleep } from './clock.ts';
import type { SystemUrls } from './driver-fleet.ts';
import { forEachLimited, openSocket } from './sockets.ts';

/**
 * Probe drivers wait on a ring this far from the centre: beyond dispatch's widest search radius
 * (20 km) from any pickup, so they are never offered a ride, and apart from each other.
 */
const RING_KM = 60;
/**
 * Each move is this long. `GET /drivers/nearby` answers coarsened positions (distances in 100 m
 * steps today; positions snapped to ~200 m cells by a change in progress), so a move must be
 * well beyond that for "the answer reflects the move" to be unambiguous.
 */
const MOVE_KM = 2;
/** Asked around the destination: the coarsening cannot push the driver out, the origin is far outside. */
const QUERY_RADIUS_M = 500;

const KM_PER_DEGREE = 111.32;
const offset = (from: Point, northKm: number, eastKm: number): Point => ({
  lat: from.lat + northKm / KM_PER_DEGREE,
  lng: from.lng + eastKm / (KM_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180)),
});

interface ProbeDriver extends Account {
  readonly spots: readonly [Point, Point];
  at: 0 | 1;
  socket: WebSocket;
}

/** One phase's probes. */
export interface ProbeSamples {
  /** Frame sent → first nearby answer listing the driver at its new place, ms. */
  readonly visibleMs: number[];
  /** Moves not visible within the timeout. */
  missed: number;
  /** Nearby answers 429 (rate limited): the probe asked with too few principals. */
  rateLimited: number;
  /** Location frames the probe drivers sent (moves and periodic). */
  frames: number;
  readonly errors: Map<string, number>;
}

const emptySamples = (): ProbeSamples => ({ visibleMs: [], missed: 0, rateLimited: 0, frames: 0, errors: new Map() });

/**
 * Location → visible in `GET /drivers/nearby`: every `intervalMs` one probe driver sends a
 * location frame that moves it MOVE_KM, and nearby is asked around the new place every
 * `pollGapMs` (after each answer) until the driver is listed there. The asks rotate over several
 * rider principals, because nearby is rate limited per principal.
 */
export class NearbyProbe {
  readonly #drivers: ProbeDriver[] = [];
  #askers: Account[] = [];
  #nextAsker = 0;
  #samples = emptySamples();
  #running: Promise<void> | undefined;
  #stop = false;
  #pings: NodeJS.Timeout | undefined;

  constructor(
    readonly urls: SystemUrls,
    readonly options: {
      readonly center: Point;
      readonly intervalMs: number;
      readonly pollGapMs: number;
      readonly timeoutMs: number;
      readonly periodMs: number;
    },
  ) {}

  async open(mint: AccountMint, drivers: number, askers: number): Promise<void> {
    this.#askers = mint.mint('user', askers);
    const accounts = mint.mint('driver', drivers);
    await forEachLimited(accounts, 8, async (account) => {
      const angle = (2 * Math.PI * this.#drivers.length) / accounts.length;
      const home = offset(this.options.center, RING_KM * Math.cos(angle), RING_KM * Math.sin(angle));
      const socket = await openSocket(this.urls.gateway, '/ws/driver/available_bookings/', account.token);
      const driver: ProbeDriver = { ...account, spots: [home, offset(home, MOVE_KM, 0)], at: 0, socket };
      this.#drivers.push(driver);
      const { status } = await http(`${this.urls.dispatch}/drivers/me/availability`, 'PUT', { available: true }, account.token);
      if (status !== 204) throw new Error(`probe driver: PUT /drivers/me/availability answered ${status}`);
      this.#sendLocation(driver);
    });
    // Like every driver, they keep reporting where they are, or dispatch would forget them.
    this.#pings = setInterval(() => {
      for (const driver of this.#drivers) this.#sendLocation(driver);
    }, this.options.periodMs);
  }

  /** Starts probing; `stop()` ends it and gives what it measured. */
  start(): void {
    this.#samples = emptySamples();
    this.#stop = false;
    this.#running = this.#loop();
  }

  async stop(): Promise<ProbeSamples> {
    this.#stop = true;
    await this.#running;
    return this.#samples;
  }

  close(): void {
    clearInterval(this.#pings);
    for (const driver of this.#drivers) driver.socket.close(1000);
  }

  async #loop(): Promise<void> {
    for (let turn = 0; !this.#stop; turn++) {
      const startedAt = epochMs();
      const driver = this.#drivers[turn % this.#drivers.length]!;
      try {
        await this.#probe(driver);
      } catch (error) {
        const what = error instanceof Error ? error.message : String(error);
        this.#samples.errors.set(what, (this.#samples.errors.get(what) ?? 0) + 1);
      }
      await sleep(Math.max(0, startedAt + this.options.intervalMs - epochMs()));
    }
  }

  async #probe(driver: ProbeDriver): Promise<void> {
    driver.at = driver.at === 0 ? 1 : 0;
    const to = driver.spots[driver.at];
    const url = `${this.urls.dispatch}/drivers/nearby?lat=${to.lat}&lng=${to.lng}&radius_m=${QUERY_RADIUS_M}`;
    const sentAt = epochMs();
    this.#sendLocation(driver);
    while (epochMs() < sentAt + this.options.timeoutMs) {
      const asker = this.#askers[this.#nextAsker++ % this.#askers.length]!;
      const { status, body } = await http(url, 'GET', undefined, asker.token);
      const answeredAt = epochMs();
      if (status === 429) this.#samples.rateLimited++;
      else if (status !== 200) throw new Error(`GET /drivers/nearby answered ${status}`);
      else if ((body['drivers'] as { driver_id: string }[]).some((listed) => listed.driver_id === driver.id)) {
        this.#samples.visibleMs.push(answeredAt - sentAt);
        return;
      }
      await sleep(this.options.pollGapMs);
    }
    this.#samples.missed++;
  }

  #sendLocation(driver: ProbeDriver): void {
    if (driver.socket.readyState !== driver.socket.OPEN) return;
    const { lat, lng } = driver.spots[driver.at];
    driver.socket.send(JSON.stringify({ type: 'location', lat, lng }));
    this.#samples.frames++;
  }
}
