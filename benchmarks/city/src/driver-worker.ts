/**
 * A driver worker: a child process of the runner holding a share of the drivers' sockets (one
 * process cannot hold 10,000: 20,000 open files at most, and one event loop would fall behind).
 * Each driver is made available once (PUT /drivers/me/availability), then sends
 * `{"type":"location"}` frames on its `/ws/driver/available_bookings/` socket every period, a few
 * metres from where it waits; every `available_booking` is stamped on arrival and told to the
 * runner, which plays the ride. Started by DriverFleet with `fork`; speaks worker-protocol.ts.
 */
import { http } from '@rideline/e2e/client';
import type WebSocket from 'ws';
import { epochMs } from './clock.ts';
import { FrameSchedule } from './frame-schedule.ts';
import { forEachLimited, openSocket } from './sockets.ts';
import type { DriverSeed, FromWorker, ToWorker } from './worker-protocol.ts';

/** Slots of the frame schedule: frames go out in groups this far apart. */
const SLOT_MS = 20;
/** Drivers wander this far (degrees, about 30 m) around where they wait, so no two frames are the same. */
const WANDER_DEG = 0.0003;
const CONNECT_CONCURRENCY = 64;
const PUT_CONCURRENCY = 16;

interface HeldDriver extends DriverSeed {
  socket: WebSocket;
}

const held: HeldDriver[] = [];
let schedule: FrameSchedule | undefined;
let frames = 0;
let lagsMs: number[] = [];
let stopping = false;

const tell = (message: FromWorker) => process.send?.(message);

function sendLocation(driver: HeldDriver): void {
  if (driver.socket.readyState !== driver.socket.OPEN) return;
  const lat = driver.home.lat + (Math.random() - 0.5) * WANDER_DEG;
  const lng = driver.home.lng + (Math.random() - 0.5) * WANDER_DEG;
  driver.socket.send(`{"type":"location","lat":${lat},"lng":${lng}}`);
  frames++;
}

function listen(driver: HeldDriver): void {
  driver.socket.on('message', (data) => {
    const at = epochMs();
    const text = String(data);
    // Only offers matter here; the rest (booking_unavailable, ...) is not even parsed.
    if (!text.includes('"available_booking"')) return;
    const message = JSON.parse(text) as { type?: unknown; booking_id?: unknown };
    if (message.type === 'available_booking') tell({ type: 'offer', bookingId: String(message.booking_id), driver: driver.index, at });
  });
  driver.socket.once('close', (code) => {
    if (!stopping) tell({ type: 'socket-lost', driver: driver.index, code });
  });
}

async function add(message: Extract<ToWorker, { type: 'add' }>): Promise<void> {
  if (!schedule) {
    schedule = new FrameSchedule(message.periodMs, SLOT_MS, performance.now());
    playSlots();
  }
  const added: HeldDriver[] = [];
  await forEachLimited(message.drivers, CONNECT_CONCURRENCY, async (seed) => {
    const driver: HeldDriver = { ...seed, socket: await openSocket(message.gatewayUrl, '/ws/driver/available_bookings/', seed.token) };
    listen(driver);
    added.push(driver);
  });
  await forEachLimited(added, PUT_CONCURRENCY, async (driver) => {
    const { status } = await http(`${message.dispatchUrl}/drivers/me/availability`, 'PUT', { available: true }, driver.token);
    if (status !== 204) throw new Error(`PUT /drivers/me/availability answered ${status}`);
    sendLocation(driver); // located at once, not a period later
  });
  for (const driver of added) {
    schedule.add(held.length);
    held.push(driver);
  }
  tell({ type: 'added', count: added.length });
}

/** Plays the slots due, then sleeps until the next one is due. */
function playSlots(): void {
  if (!schedule) return;
  lagsMs.push(...schedule.playDue(performance.now(), (local) => sendLocation(held[local]!)));
  setTimeout(playSlots, Math.max(0, schedule.nextDue() - performance.now()));
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'add':
      add(message).catch((error: unknown) => tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
      break;
    case 'counters':
      tell({ type: 'counters', counters: { frames, lagsMs } });
      frames = 0;
      lagsMs = [];
      break;
    case 'stop':
      stopping = true;
      for (const driver of held) driver.socket.close(1000);
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
// The runner gone (crashed, killed): nothing else would end this process.
process.on('disconnect', () => process.exit(0));
