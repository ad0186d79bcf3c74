import { fork, type ChildProcess } from 'node:child_process';
import { FirstArrivals } from '@rideline/e2e-bench/arrivals';
import { randomPoint, type Point } from '@rideline/demo/city';
import type { AccountMint } from './accounts.ts';
import type { DriverSeed, FromWorker, ToWorker, WorkerCounters } from './worker-protocol.ts';

export interface SystemUrls {
  readonly booking: string;
  readonly dispatch: string;
  readonly gateway: string;
}

export interface FleetOptions {
  readonly center: Point;
  readonly cityRadiusKm: number;
  readonly periodMs: number;
  readonly driversPerWorker: number;
}

interface Worker {
  readonly child: ChildProcess;
  held: number;
  /** Answers to `counters` asks, in the order asked. */
  readonly counterReplies: ((counters: WorkerCounters) => void)[];
  addReply: ((outcome: FromWorker) => void) | undefined;
}

const WORKER = new URL('./driver-worker.ts', import.meta.url);

/**
 * The city's drivers, held in driver worker processes, `driversPerWorker` each; the runner keeps
 * their accounts and homes (to place pickups near them) and hears of every offer they get.
 */
export class DriverFleet {
  readonly drivers: DriverSeed[] = [];
  /** Booking id → the first `available_booking` for it on any driver's socket (stamped in the worker). */
  readonly firstOffers = new FirstArrivals<number>();
  /** Booking id → every driver offered it, in the order the offers arrived. */
  readonly offeredTo = new Map<string, number[]>();
  readonly lostSockets: string[] = [];
  readonly #workers: Worker[] = [];

  constructor(
    readonly urls: SystemUrls,
    readonly options: FleetOptions,
    readonly mint: AccountMint,
  ) {}

  get pids(): number[] {
    return this.#workers.map((worker) => worker.child.pid ?? NaN);
  }

  /** Adds drivers until there are `total`, filling the last worker before starting another. */
  async grow(total: number, log: (message: string) => void): Promise<void> {
    const { center, cityRadiusKm } = this.options;
    const accounts = this.mint.mint('driver', Math.max(0, total - this.drivers.length));
    const seeds = accounts.map((account, i): DriverSeed => ({ ...account, index: this.drivers.length + i, home: randomPoint(center, cityRadiusKm) }));
    const batches: Promise<void>[] = [];
    let offset = 0;
    while (offset < seeds.length) {
      let worker = this.#workers.find((w) => w.held < this.options.driversPerWorker);
      if (!worker) worker = this.#startWorker();
      const batch = seeds.slice(offset, offset + this.options.driversPerWorker - worker.held);
      worker.held += batch.length;
      offset += batch.length;
      batches.push(this.#add(worker, batch));
    }
    log(`connecting ${seeds.length} drivers in ${batches.length} worker batch(es), ${this.#workers.length} worker(s) in all`);
    await Promise.all(batches);
    this.drivers.push(...seeds);
  }

  /** Each worker's frames and lags since the last call. */
  async counters(): Promise<WorkerCounters> {
    const all = await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<WorkerCounters>((resolve) => {
            worker.counterReplies.push(resolve);
            this.#send(worker, { type: 'counters' });
          }),
      ),
    );
    return { frames: all.reduce((sum, c) => sum + c.frames, 0), lagsMs: all.flatMap((c) => c.lagsMs) };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#workers.map((worker) => {
        if (worker.child.exitCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => worker.child.once('exit', resolve));
        this.#send(worker, { type: 'stop' });
        const kill = setTimeout(() => worker.child.kill('SIGKILL'), 5_000);
        return exited.finally(() => clearTimeout(kill));
      }),
    );
  }

  #startWorker(): Worker {
    const child = fork(WORKER, [], { execArgv: ['--conditions=development', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = { child, held: 0, counterReplies: [], addReply: undefined };
    child.on('message', (message: FromWorker) => this.#onMessage(worker, message));
    child.once('exit', (code) => worker.addReply?.({ type: 'failed', message: `driver worker exited with ${code}` }));
    this.#workers.push(worker);
    return worker;
  }

  #add(worker: Worker, drivers: DriverSeed[]): Promise<void> {
    return new Promise((resolve, reject) => {
      worker.addReply = (outcome) => {
        worker.addReply = undefined;
        if (outcome.type === 'added') resolve();
        else reject(new Error(outcome.type === 'failed' ? outcome.message : `unexpected ${outcome.type}`));
      };
      const { gateway, dispatch } = this.urls;
      this.#send(worker, { type: 'add', gatewayUrl: gateway, dispatchUrl: dispatch, drivers, periodMs: this.options.periodMs });
    });
  }

  #send(worker: Worker, message: ToWorker): void {
    worker.child.send(message);
  }

  #onMessage(worker: Worker, message: FromWorker): void {
    switch (message.type) {
      case 'offer': {
        this.firstOffers.record(message.bookingId, message.driver, message.at);
        const offered = this.offeredTo.get(message.bookingId);
        if (offered) offered.push(message.driver);
        else this.offeredTo.set(message.bookingId, [message.driver]);
        break;
      }
      case 'added':
      case 'failed':
        worker.addReply?.(message);
        break;
      case 'counters':
        worker.counterReplies.shift()?.(message.counters);
        break;
      case 'socket-lost':
        this.lostSockets.push(`driver ${message.driver}: socket closed by the server with ${message.code}`);
        break;
    }
  }
}
