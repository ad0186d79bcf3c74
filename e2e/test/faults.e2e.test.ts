/**
 * Fault tests, loopback only and bounded in time, each with a RunningSystem of its own:
 * - the broker stopped for ~5 s in the middle of rides and restarted (a private broker);
 * - the broker killed with SIGKILL under 2 bookings/s (a private broker): offers resume within
 *   5 s of it answering again, and every booking is offered;
 * - PostgreSQL stopped and restarted (a private server): booking-service answers 503 meanwhile,
 *   then recovers without a restart;
 * - each service killed with SIGKILL under a light load of rides, then started again.
 * After each: no booking event lost, none applied twice (counted per booking and type from the
 * topic by event_id), every socket that stayed connected got every status update, and no process
 * needed a restart other than the killed one.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort, startEmbeddedPostgres, startKafkaBroker, type EmbeddedPostgresHandle, type RunningKafkaBroker } from '@rideline/dev-infra';
import { decodeServerMessage, TOPICS } from '@rideline/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { http, type Account, type Inbox, type Message } from '../src/client.ts';
import {
  about,
  Actors,
  CENTER,
  checkEvents,
  DRIVER_STATUSES,
  DROPOFF,
  EVENTS_FOR_STATUS,
  exitedProcesses,
  hasAllExpected,
  isOpen,
  readBookingEvents,
  RIDER_STATUSES,
  sleep,
  statusesOf,
  waitAllReady,
  type Driver,
  type Rider,
} from '../src/faults.ts';
import { RunningSystem, type ServiceName } from '../src/system.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed', error));
});

const bookingTopic = (system: RunningSystem) => system.env[TOPICS.bookingEvents.envVar]!;

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755); // embedded PostgreSQL runs as `postgres` when we are root
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startSystem(
  extraEnv: Record<string, string> = {},
  options: { postgresServerUrl?: string } = {},
): Promise<{ system: RunningSystem; actors: Actors }> {
  const system = await RunningSystem.start(extraEnv, options);
  const actors = new Actors(system);
  cleanups.push(async () => {
    actors.closeAll();
    await system.stop();
  });
  return { system, actors };
}

/** Every booking a rider can see, with its final status (the read model). */
async function bookingsOf(actors: Actors, rider: Account): Promise<Map<string, string>> {
  const response = await http(`${actors.booking}/bookings`, 'GET', undefined, rider.token);
  expect(response.status).toBe(200);
  const list = response.body['bookings'] as Array<{ booking_id: string; status: string }>;
  return new Map(list.map((b) => [b.booking_id, b.status]));
}

/** Reads the topic and asserts no event lost, none applied twice, nothing unaccounted for. */
async function expectEventsExactlyOnce(system: RunningSystem, statuses: ReadonlyMap<string, string>): Promise<void> {
  const expected = new Map([...statuses].map(([id, status]) => [id, EVENTS_FOR_STATUS[status] ?? [`<no expectation for ${status}>`]]));
  const records = await readBookingEvents(system.env['KAFKA_BROKERS']!, bookingTopic(system), hasAllExpected(expected), 30_000);
  const check = checkEvents(records, expected);
  console.info(`topic: ${records.length} records for ${expected.size} bookings, ${check.redelivered} redelivered copies (same event_id)`);
  expect({ lost: check.lost, twice: check.twice, unexpected: check.unexpected }).toEqual({ lost: {}, twice: {}, unexpected: {} });
}

describe('faults', () => {
  it('the broker stopped and restarted in the middle of rides: nothing lost, nothing twice, sockets see everything', { timeout: 170_000 }, async () => {
    const dataDir = await tempDir('rideline-e2e-broker-');
    const [port, controllerPort] = [await getFreePort(), await getFreePort()];
    let broker: RunningKafkaBroker = await startKafkaBroker({ dataDir, port, controllerPort });
    cleanups.push(() => broker.stop());
    const { system, actors } = await startSystem({ KAFKA_BROKERS: broker.brokers.join(',') });

    const drivers = await Promise.all([0, 1, 2, 3].map((i) => actors.driverAt({ lat: CENTER.lat + 0.001 * i, lng: CENTER.lng })));
    const riders = await Promise.all([0, 1, 2, 3].map(() => actors.rider()));
    const [d0, d1, d2, d3] = drivers as [Driver, Driver, Driver, Driver];
    const [r0, r1, r2, r3] = riders as [Rider, Rider, Rider, Rider];

    const acceptWithOtp = async (rider: Rider, driver: Driver, id: string): Promise<string> => {
      await driver.offers.waitFor(about(id, 'available_booking'));
      await actors.mustAct(driver, id, 'accept');
      return (await rider.inbox.waitFor(about(id, 'otp'))).otp;
    };

    // Before: ride 0 on trip, ride 1 accepted (OTP known), ride 2 offered but not accepted.
    const b0 = await actors.book(r0);
    const otp0 = await acceptWithOtp(r0, d0, b0);
    await actors.mustAct(d0, b0, 'start', { otp: otp0 });
    await r0.inbox.waitFor(about(b0, 'booking_status', { status: 'on_trip' }));
    const b1 = await actors.book(r1);
    const otp1 = await acceptWithOtp(r1, d1, b1);
    const b2 = await actors.book(r2);
    await d2.offers.waitFor(about(b2, 'available_booking'));

    // The broker goes away for ~5 s; bookings keep answering (their events wait in the outbox).
    const outageStarted = Date.now();
    await broker.stop();
    await actors.mustAct(d0, b0, 'complete');
    await actors.mustAct(d1, b1, 'start', { otp: otp1 });
    await actors.mustAct(d2, b2, 'accept');
    const b3 = await actors.book(r3);
    expect(await actors.statusOf(r0, b0)).toBe('completed');
    expect(await actors.statusOf(r1, b1)).toBe('on_trip');
    expect(await actors.statusOf(r2, b2)).toBe('accepted');
    expect(await actors.statusOf(r3, b3)).toBe('pending');
    await sleep(Math.max(0, 5_000 - (Date.now() - outageStarted)));
    const readyDuring = await fetch(`${actors.booking}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      (e: unknown) => String(e),
    );
    console.info(`booking-service /health/ready while the broker was down: ${readyDuring}`);

    broker = await startKafkaBroker({ dataDir, port, controllerPort });
    const brokerBackAt = Date.now();
    const readyAfterMs = await waitAllReady(system, 60_000);
    console.info(`broker down ${Date.now() - outageStarted - readyAfterMs} ms; every service ready ${readyAfterMs} ms after its restart`);

    // What was written during the outage reaches the topic (the outbox relay resumed)...
    const interim = new Map<string, string>([
      [b0, 'completed'],
      [b1, 'on_trip'],
      [b2, 'accepted'],
      [b3, 'pending'],
    ]);
    const flushStarted = Date.now();
    await expectEventsExactlyOnce(system, interim);
    console.info(`outbox flushed to the topic ${Date.now() - flushStarted} ms after every service was ready`);
    // ...and the sockets that stayed connected (the gateway's consumer resumed).
    try {
      // Bound: a consumer group whose broker restarted first waits out the old member (3 s, GROUP_TIMING).
      await r2.inbox.waitFor(about(b2, 'booking_status', { status: 'accepted' }), 60_000);
      console.info(`sockets got the outage's updates ${Date.now() - brokerBackAt} ms after the broker restarted`);
    } catch (error) {
      for (const name of ['booking-service', 'dispatch-service', 'realtime-gateway'] as const) {
        console.error(`--- ${name} output ---\n${system.processes.get(name)?.output().slice(-4_000)}`);
      }
      throw error;
    }

    // After: everything finishes through the same sockets.
    await actors.mustAct(d1, b1, 'complete');
    const otp2 = (await r2.inbox.waitFor(about(b2, 'otp'), 30_000)).otp;
    await actors.mustAct(d2, b2, 'start', { otp: otp2 });
    await actors.mustAct(d2, b2, 'complete');
    const otp3 = await acceptWithOtp(r3, d3, b3);
    await actors.mustAct(d3, b3, 'start', { otp: otp3 });
    await actors.mustAct(d3, b3, 'complete');

    const rides: Array<[Rider, Driver, string]> = [
      [r0, d0, b0],
      [r1, d1, b1],
      [r2, d2, b2],
      [r3, d3, b3],
    ];
    for (const [rider, driver, id] of rides) {
      expect(await actors.statusOf(rider, id)).toBe('completed');
      await rider.inbox.waitFor(about(id, 'booking_status', { status: 'completed' }));
      await driver.rides.waitFor(about(id, 'booking_status', { status: 'completed' }));
    }
    await sleep(500); // a late duplicate would show up here
    for (const [rider, driver, id] of rides) {
      expect(isOpen(rider.inbox) && isOpen(driver.rides)).toBe(true);
      expect({ id, rider: statusesOf(rider.inbox, id) }).toEqual({ id, rider: RIDER_STATUSES['completed'] });
      expect({ id, driver: statusesOf(driver.rides, id) }).toEqual({ id, driver: DRIVER_STATUSES['completed'] });
    }
    await expectEventsExactlyOnce(system, new Map(rides.map(([, , id]) => [id, 'completed'])));
    expect(exitedProcesses(system)).toEqual([]);
  });

  it('the broker killed with SIGKILL under 2 bookings/s: offers resume within 5 s of it answering, no booking lost', { timeout: 240_000 }, async () => {
    const dataDir = await tempDir('rideline-e2e-broker-crash-');
    const [port, controllerPort] = [await getFreePort(), await getFreePort()];
    let broker: RunningKafkaBroker = await startKafkaBroker({ dataDir, port, controllerPort });
    cleanups.push(() => broker.stop());
    // One rider books twice a second and never waits for a driver; drivers keep their places.
    const { system, actors } = await startSystem({
      KAFKA_BROKERS: broker.brokers.join(','),
      RIDER_MAX_ACTIVE_BOOKINGS: '10000',
      DISPATCH_DRIVER_STALE_MS: '600000',
    });
    const drivers = await Promise.all([0, 1].map((i) => actors.driverAt({ lat: CENTER.lat + 0.001 * i, lng: CENTER.lng })));
    const rider = await actors.rider();
    // When each booking was first offered to a driver (on the socket), by booking id.
    const offeredAt = new Map<string, number>();
    for (const driver of drivers) {
      driver.offers.socket.on('message', (data: Buffer) => {
        const message = decodeServerMessage(data.toString());
        if (message?.type === 'available_booking' && !offeredAt.has(message.booking_id)) offeredAt.set(message.booking_id, Date.now());
      });
    }
    const booked: Array<{ id: string; at: number }> = [];
    const bookingErrors: string[] = [];
    let booking = true;
    const bookingLoop = (async () => {
      while (booking) {
        const started = Date.now();
        try {
          booked.push({ id: await actors.book(rider), at: started });
        } catch (error) {
          bookingErrors.push(String(error).slice(0, 300));
        }
        await sleep(Math.max(0, 500 - (Date.now() - started)));
      }
    })();

    await sleep(5_000);
    const killedAt = Date.now();
    process.kill(broker.pid, 'SIGKILL');
    await broker.stop(); // reaps the killed process
    await sleep(3_000);
    broker = await startKafkaBroker({ dataDir, port, controllerPort });
    const backAt = Date.now();
    console.info(`broker: SIGKILL, answering again ${backAt - killedAt} ms later`);
    // Readiness while recovering: when each service first answered ready after the restart.
    const readyAt = new Map<ServiceName, number>();
    const dispatchReadiness: string[] = [];
    const watchReady = (async () => {
      while (readyAt.size < 3 && Date.now() - backAt < 120_000) {
        for (const name of ['booking-service', 'dispatch-service', 'realtime-gateway'] as const) {
          if (readyAt.has(name)) continue;
          const answer = await fetch(`${system.url(name)}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
            async (r) => ({ ok: r.ok, body: await r.text() }),
            (e: unknown) => ({ ok: false, body: String(e) }),
          );
          if (name === 'dispatch-service') dispatchReadiness.push(`${Date.now() - backAt} ms: ${answer.body.slice(0, 200)}`);
          if (answer.ok) readyAt.set(name, Date.now());
        }
        await sleep(250);
      }
    })();

    // Offers resume: the first booking made after the broker answered is offered.
    const deadline = backAt + 120_000;
    const firstAfter = () => booked.find((b) => b.at >= backAt);
    while (Date.now() < deadline) {
      const first = firstAfter();
      if (first && offeredAt.has(first.id)) break;
      await sleep(50);
    }
    await sleep(5_000);
    booking = false;
    await bookingLoop;
    await watchReady;
    const first = firstAfter();
    const resumedAt = Math.min(...[...offeredAt.values()].filter((t) => t >= backAt));
    const resumeMs = resumedAt - backAt;
    console.info(
      `offers: first offer after the broker answered at +${resumeMs} ms; first booking made after it (at +${first ? first.at - backAt : '?'} ms) ` +
        `offered at +${first && offeredAt.has(first.id) ? offeredAt.get(first.id)! - backAt : 'never'} ms; ` +
        `ready at ${[...readyAt].map(([n, t]) => `${n} +${t - backAt} ms`).join(', ')}`,
    );
    if (resumeMs > 5_000) {
      console.error(`dispatch readiness after the restart:\n${dispatchReadiness.join('\n')}`);
      for (const name of ['booking-service', 'dispatch-service', 'realtime-gateway'] as const) {
        console.error(`--- ${name} output ---\n${system.processes.get(name)?.output().slice(-6_000)}`);
      }
    }
    expect(bookingErrors).toEqual([]);
    expect(resumeMs).toBeLessThanOrEqual(5_000);
    // No booking lost: every one, including those made while the broker was down, is offered.
    const offerDeadline = Date.now() + 30_000;
    while (booked.some((b) => !offeredAt.has(b.id)) && Date.now() < offerDeadline) await sleep(200);
    expect(booked.filter((b) => !offeredAt.has(b.id)).map((b) => b.id)).toEqual([]);
    const statuses = new Map<string, string>();
    for (const { id } of booked) statuses.set(id, await actors.statusOf(rider, id));
    await expectEventsExactlyOnce(system, statuses);
    expect(exitedProcesses(system)).toEqual([]);
  });

  it('PostgreSQL stopped and restarted: booking-service answers 503 meanwhile, then recovers by itself', { timeout: 150_000 }, async () => {
    const dir = await tempDir('rideline-e2e-pg-');
    const dataDir = path.join(dir, 'pg');
    const port = await getFreePort();
    let postgres: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir, port });
    cleanups.push(() => postgres.stop());
    // The rider's second booking (after the outage) comes while the first is still pending.
    const { system, actors } = await startSystem({ RIDER_MAX_ACTIVE_BOOKINGS: '2' }, { postgresServerUrl: postgres.databaseUrl });

    const rider = await actors.rider();
    const before = await actors.book(rider);
    await rider.inbox.waitFor(about(before, 'booking_status', { status: 'pending' }));

    await postgres.stop();
    const timed = async (label: string, url: string, method: string, body?: unknown) => {
      const started = Date.now();
      const result = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${rider.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        (error: unknown) => ({ status: 0, body: String(error) }),
      );
      const ms = Date.now() - started;
      console.info(`DB down: ${label} -> ${result.status} in ${ms} ms: ${result.body.slice(0, 300)}`);
      return { ...result, ms, label };
    };
    const answers = [];
    for (let i = 0; i < 2; i++) {
      answers.push(await timed('POST /bookings', `${actors.booking}/bookings`, 'POST', { pickup: { ...CENTER, address: 'A' }, dropoff: DROPOFF }));
      answers.push(await timed('GET /health/ready', `${actors.booking}/health/ready`, 'GET'));
      answers.push(await timed(`GET /bookings/${before}`, `${actors.booking}/bookings/${before}`, 'GET'));
    }
    // Soft, so that recovery is still checked when an answer is wrong.
    for (const answer of answers) {
      expect.soft({ request: answer.label, status: answer.status, fast: answer.ms < 5_000, body: answer.body }).toMatchObject({ status: 503, fast: true });
    }

    postgres = await startEmbeddedPostgres({ dataDir, port });
    const readyAfterMs = await waitAllReady(system, 30_000);
    console.info(`booking-service ready ${readyAfterMs} ms after PostgreSQL restarted`);
    const after = await actors.book(rider);
    await rider.inbox.waitFor(about(after, 'booking_status', { status: 'pending' }));
    expect(await actors.statusOf(rider, before)).toBe('pending');
    expect(exitedProcesses(system)).toEqual([]);
    await expectEventsExactlyOnce(system, await bookingsOf(actors, rider));
  });

  describe.each<ServiceName>(['booking-service', 'dispatch-service', 'realtime-gateway'])('%s killed with SIGKILL under load', (victim) => {
    it('restarts with no event lost or applied twice; other sockets keep their updates', { timeout: 150_000 }, async () => {
      const { system, actors } = await startSystem();
      const load = await Load.start(actors, 3);
      // A ride held on trip across the kill, for the reconnect check.
      const held = await load.holdOnTrip();

      await sleep(4_000);
      const killedAt = Date.now();
      await system.kill(victim);
      await sleep(1_500);
      await system.startService(victim);
      console.info(`${victim}: back ${Date.now() - killedAt} ms after SIGKILL`);
      if (victim === 'realtime-gateway') {
        await load.reconnectAll();
        await held.rider.inbox.waitFor(about(held.id, 'booking_status', { status: 'on_trip' }));
        await held.driver.rides.waitFor(about(held.id, 'booking_status', { status: 'on_trip' }));
      }
      await waitAllReady(system, 30_000);
      const beforeMore = load.completed;
      await sleep(5_000);
      await load.stop(60_000);
      expect(load.completed, 'rides complete after the restart').toBeGreaterThan(beforeMore);
      if (load.errors.length > 0) console.error(`--- ${victim} output after restart ---\n${system.processes.get(victim)?.output().slice(-3_000)}`);
      expect(load.errors).toEqual([]);

      // The held ride finishes, and its sockets see it.
      await actors.mustAct(held.driver, held.id, 'complete');
      await held.rider.inbox.waitFor(about(held.id, 'booking_status', { status: 'completed' }));
      await held.driver.rides.waitFor(about(held.id, 'booking_status', { status: 'completed' }));

      const statuses = new Map<string, string>();
      for (const pair of [...load.pairs, held]) for (const [id, status] of await bookingsOf(actors, pair.rider)) statuses.set(id, status);
      await sleep(500);
      // Sockets that stayed connected (all of them unless the gateway was the victim) saw every
      // status of every booking exactly once, in order, ending in the status GET reports.
      for (const pair of [...load.pairs, held]) {
        for (const [id, status] of await bookingsOf(actors, pair.rider)) {
          const rider = pair.rider.inbox;
          const driverSeen = statusesOf(pair.driver.rides, id);
          if (victim !== 'realtime-gateway') {
            expect(isOpen(rider)).toBe(true);
            expect({ id, rider: statusesOf(rider, id) }).toEqual({ id, rider: RIDER_STATUSES[status] });
            if (status !== 'pending') expect({ id, driver: driverSeen }).toEqual({ id, driver: DRIVER_STATUSES[status] });
          } else {
            // Reconnected sockets: whatever they saw of a booking ends in its current status.
            const seen = statusesOf(rider, id);
            if (seen.length > 0) expect({ id, last: seen.at(-1) }).toEqual({ id, last: status });
            if (driverSeen.length > 0) expect({ id, last: driverSeen.at(-1) }).toEqual({ id, last: status });
          }
        }
      }
      await expectEventsExactlyOnce(system, statuses);
      expect(exitedProcesses(system)).toEqual([]);
    });
  });
});

interface Pair {
  rider: Rider;
  driver: Driver;
}

const refused = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
};

/**
 * A light load: each pair (rider and driver at a place of their own, far from the others) plays
 * whole rides one after the other until stopped, riding out a service being down: HTTP calls are
 * retried, an action whose answer was lost is checked with GET, socket waits survive reconnects.
 */
class Load {
  completed = 0;
  readonly errors: string[] = [];
  #stopping = false;
  #loops: Promise<void>[] = [];

  private constructor(
    readonly actors: Actors,
    readonly pairs: Pair[],
  ) {}

  static async start(actors: Actors, count: number): Promise<Load> {
    const pairs = await Promise.all(Array.from({ length: count }, (_, i) => Load.pairAt(actors, i)));
    const load = new Load(actors, pairs);
    load.#loops = pairs.map((pair, i) => load.#loop(pair, i));
    return load;
  }

  static place(i: number) {
    return { lat: CENTER.lat + 0.5 * (i + 1), lng: CENTER.lng - 0.5 * (i + 1) };
  }

  static async pairAt(actors: Actors, i: number): Promise<Pair> {
    const driver = await actors.driverAt(Load.place(i));
    const rider = await actors.rider();
    return { rider, driver };
  }

  /** One more pair at its own place with a ride left on trip. */
  async holdOnTrip(): Promise<Pair & { id: string }> {
    const pair = await Load.pairAt(this.actors, this.pairs.length);
    const id = await this.#book(pair, this.pairs.length);
    await this.#waitOn(() => pair.driver.offers, about(id, 'available_booking'));
    await this.actors.mustAct(pair.driver, id, 'accept');
    const otp = (await this.#waitOn(() => pair.rider.inbox, about(id, 'otp'))).otp;
    await this.actors.mustAct(pair.driver, id, 'start', { otp });
    await pair.rider.inbox.waitFor(about(id, 'booking_status', { status: 'on_trip' }));
    this.#held = pair;
    return { ...pair, id };
  }
  #held: Pair | undefined;

  /** After the gateway restarted: every client opens its sockets again. */
  async reconnectAll(): Promise<void> {
    for (const pair of [...this.pairs, ...(this.#held ? [this.#held] : [])]) {
      pair.rider.inbox = await this.#reopen('/ws/bookings/', pair.rider.token);
      pair.driver.offers = await this.#reopen('/ws/driver/available_bookings/', pair.driver.token);
      pair.driver.rides = await this.#reopen('/ws/driver/bookings/', pair.driver.token);
    }
  }

  async #reopen(path: string, token: string): Promise<Inbox> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await this.actors.open(path, token);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }

  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    const all = Promise.all(this.#loops);
    const timedOut = await Promise.race([all.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) this.errors.push(`load did not wind down within ${timeoutMs} ms`);
  }

  async #loop(pair: Pair, i: number): Promise<void> {
    try {
      while (!this.#stopping) {
        const id = await this.#book(pair, i);
        await this.#waitOn(() => pair.driver.offers, about(id, 'available_booking'), 45_000, `offer of ${id} on driver socket`);
        await this.#advance(pair.driver, id, 'accept', undefined, 'accepted');
        const otp = (await this.#waitOn(() => pair.rider.inbox, about(id, 'otp'), 45_000, `otp of ${id} on rider socket`)).otp;
        await this.#advance(pair.driver, id, 'start', { otp }, 'on_trip');
        await this.#advance(pair.driver, id, 'complete', undefined, 'completed');
        await this.#waitOn(() => pair.rider.inbox, about(id, 'booking_status', { status: 'completed' }), 45_000, `completed of ${id} on rider socket`);
        this.completed++;
        await sleep(400); // a light load: a rider's bookings stay within GET /bookings' default page
      }
    } catch (error) {
      this.errors.push(`pair ${i}: ${error instanceof Error ? error.message.slice(0, 500) : String(error)}`);
    }
  }

  /**
   * POST /bookings, retried while booking-service is down. An answer lost to a kill may have
   * left the booking made: the retry is then refused (one active booking per rider), and the
   * rider carries on with that pending booking.
   */
  async #book(pair: Pair, i: number): Promise<string> {
    const deadline = Date.now() + 45_000;
    const place = Load.place(i);
    for (;;) {
      try {
        const response = await http(
          `${this.actors.booking}/bookings`,
          'POST',
          { pickup: { ...place, address: `place ${i}` }, dropoff: DROPOFF },
          pair.rider.token,
        );
        if (response.status === 201) return response.body['booking_id'] as string;
        if (response.status === 409 && response.body['code'] === 'RIDER_HAS_ACTIVE_BOOKING') {
          const pending = await http(`${this.actors.booking}/bookings?status=pending`, 'GET', undefined, pair.rider.token);
          const made = (pending.body['bookings'] as { booking_id: string }[] | undefined)?.[0];
          if (made) return made.booking_id;
        }
        if (response.status < 500) throw new Error(`POST /bookings: ${response.status} ${JSON.stringify(response.body)}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('POST /bookings')) throw error;
      }
      if (Date.now() > deadline) throw new Error('POST /bookings: no answer within 45 s');
      await sleep(200);
    }
  }

  /** An action, retried until GET shows the booking reached `target` (its answer may have been lost to a kill). */
  async #advance(driver: Driver, id: string, action: string, body: unknown, target: string): Promise<void> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      let outcome = '';
      try {
        const response = await this.actors.act(driver, id, action, body);
        if (response.status === 200) return;
        outcome = `${response.status} ${JSON.stringify(response.body)}`;
      } catch (error) {
        // Refused: not sent. Otherwise the answer was lost to the kill: GET tells whether it happened.
        outcome = refused(error) ? 'connection refused' : String(error);
      }
      try {
        if ((await this.actors.statusOf(driver, id)) === target) return;
      } catch {
        // booking-service still down
      }
      if (Date.now() > deadline) throw new Error(`${action} ${id}: ${outcome}`);
      await sleep(200);
    }
  }

  /** Waits for a message on whichever socket the client currently has (it may reconnect meanwhile). */
  async #waitOn<M extends Message>(inbox: () => Inbox, predicate: (message: Message) => message is M, timeoutMs = 45_000, what = 'message'): Promise<M> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (inbox().outsideContract.length > 0) throw new Error(`messages outside the contract: ${inbox().outsideContract.join(' | ')}`);
      const found = inbox().messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `${what} not received within ${timeoutMs} ms (socket ${isOpen(inbox()) ? 'open' : 'closed'}); last: ${JSON.stringify(inbox().messages.slice(-3))}`,
        );
      await sleep(20);
    }
  }
}
