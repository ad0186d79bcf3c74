/**
 * A client worker thread: holds its share of the C sockets to the target, and timestamps every
 * delivery against the publish time the driver wrote into shared memory. Same code for every
 * target; only the wire protocol differs (plain WebSocket, or Socket.IO on a WebSocket).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket as IoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { nowMs, seqOfBookingId, type SocketSpec, type WorkerCommand, type WorkerInit, type WorkerReply } from './common.ts';

const port = parentPort;
if (!port) throw new Error('client-worker runs as a worker thread');
const init = workerData as WorkerInit;
const sendTimes = new Float64Array(init.shared.sendTimes);
const delivered = new Int32Array(init.shared.delivered);
const anyDelivered = new Int32Array(init.shared.anyDelivered);
const lastReceipt = new Float64Array(init.shared.lastReceipt);
const me = init.index;

let latencies = new Float64Array(1 << 16);
let count = 0;
let stale = 0;
let other = 0;
let closed = 0;
let firstSeq = Number.MAX_SAFE_INTEGER;
/** Deliveries of the phase's first publish, and when the latest of them arrived. */
let firstPublishCount = 0;
let firstPublishDone = 0;
let firstError: string | undefined;
let closing = false;

const wsSockets: WebSocket[] = [];
const ioSockets: IoSocket[] = [];

function onMessage(message: unknown): void {
  const booking = message as { type?: unknown; booking_id?: unknown } | null;
  if (typeof booking !== 'object' || booking === null || booking.type !== 'available_booking') {
    other++;
    return;
  }
  const seq = seqOfBookingId(booking.booking_id);
  const sentAt = seq >= 0 && seq < sendTimes.length ? sendTimes[seq]! : 0;
  if (sentAt === 0) {
    other++;
    return;
  }
  const now = nowMs();
  Atomics.add(anyDelivered, me, 1);
  if (seq < firstSeq) {
    stale++;
    return;
  }
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = now - sentAt;
  if (seq === firstSeq) {
    firstPublishCount++;
    firstPublishDone = now;
  }
  lastReceipt[me] = now;
  Atomics.add(delivered, me, 1);
}

/** Size of the latest text frame received, for the report (the gateway's message may differ from the peers'). */
let frameBytes = 0;

function onWsData(data: WebSocket.RawData): void {
  frameBytes = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    other++;
    return;
  }
  onMessage(message);
}

function noteError(error: string): void {
  firstError ??= error;
}

function openWs(spec: SocketSpec, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(spec.url, {
      headers: { ...spec.headers },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    let settled = false;
    const settle = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(error);
    };
    ws.on('open', () => {
      wsSockets.push(ws);
      settle(undefined);
    });
    ws.on('message', onWsData);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => settle(`HTTP ${res.statusCode ?? '?'} at the upgrade: ${body.slice(0, 200)}`));
      res.on('error', () => settle(`HTTP ${res.statusCode ?? '?'} at the upgrade`));
    });
    ws.on('error', (error) => {
      if (!settled) settle(error.message);
      else noteError(error.message);
    });
    ws.on('close', (code, reason) => {
      if (!settled) settle(`closed before open (${code})`);
      else if (!closing) {
        closed++;
        noteError(`server closed a socket: ${code} ${String(reason).slice(0, 100)}`);
      }
    });
  });
}

function openIo(spec: SocketSpec, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const url = new URL(spec.url);
    const socket = io(`${url.protocol}//${url.host}`, {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      transports: ['websocket'],
      forceNew: true,
      multiplex: false,
      reconnection: false,
      timeout: timeoutMs,
      extraHeaders: { ...spec.headers },
    });
    let settled = false;
    socket.on('connect', () => {
      if (settled) return;
      settled = true;
      ioSockets.push(socket);
      resolve(undefined);
    });
    socket.on('connect_error', (error: Error) => {
      if (settled) return;
      settled = true;
      socket.close();
      resolve(error.message);
    });
    socket.on('available_booking', (message: unknown) => {
      // The Socket.IO frame: `42["available_booking",{...}]`.
      frameBytes = JSON.stringify(['available_booking', message]).length + 2;
      onMessage(message);
    });
    socket.on('disconnect', (reason: string) => {
      if (!closing) {
        closed++;
        noteError(`server closed a socket: ${reason}`);
      }
    });
  });
}

async function connectAll(command: Extract<WorkerCommand, { type: 'connect' }>): Promise<WorkerReply> {
  const open = command.protocol === 'ws' ? openWs : openIo;
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < command.sockets.length) {
      const spec = command.sockets[next++]!;
      const error = await open(spec, command.timeoutMs);
      if (error === undefined) ok++;
      else {
        failed++;
        if (errors.length < 3 && !errors.includes(error)) errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, lane));
  return { type: 'connected', open: ok, failed, errors };
}

async function closeAll(): Promise<void> {
  closing = true;
  for (const ws of wsSockets) ws.terminate();
  for (const socket of ioSockets) socket.close();
  wsSockets.length = 0;
  ioSockets.length = 0;
}

port.on('message', (command: WorkerCommand) => {
  const reply = (message: WorkerReply, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer ?? []);
  switch (command.type) {
    case 'connect':
      void connectAll(command).then((r) => reply(r));
      break;
    case 'phase':
      firstSeq = command.firstSeq;
      firstPublishCount = 0;
      firstPublishDone = 0;
      count = 0;
      stale = 0;
      other = 0;
      closed = 0;
      firstError = undefined;
      Atomics.store(delivered, me, 0);
      lastReceipt[me] = 0;
      reply({ type: 'phase-set' });
      break;
    case 'collect': {
      const out = latencies.slice(0, count);
      reply({ type: 'collected', latencies: out, stale, other, closed, firstError, frameBytes, firstPublishCount, firstPublishDone }, [
        out.buffer as ArrayBuffer,
      ]);
      break;
    }
    case 'close':
      void closeAll().then(() => reply({ type: 'closed' }));
      break;
  }
});
