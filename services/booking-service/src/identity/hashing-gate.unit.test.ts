import { describe, expect, it } from 'vitest';
import { HashingBusy, HashingGate } from './hashing-gate.ts';

/** A task that runs until released, so a test decides when each slot frees. */
function heldTask() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  return {
    task: async () => {
      started = true;
      await done;
      return 'hashed';
    },
    release: () => release(),
    get started() {
      return started;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Holds a slot of `gate` with a normal task; `free()` ends it and lets the gate start the next. */
function occupy(gate: HashingGate) {
  const busy = heldTask();
  const running = gate.run('normal', busy.task);
  return {
    async free() {
      busy.release();
      await running;
      await tick();
    },
  };
}

describe('HashingGate', () => {
  it('runs at most `concurrency` tasks at once and starts the next when one ends', async () => {
    const gate = new HashingGate({ concurrency: 2, queueLength: 4, maxWaitMs: 10_000 });
    const tasks = [heldTask(), heldTask(), heldTask()];
    const results = tasks.map((t) => gate.run('normal', t.task));
    await tick();
    expect(tasks.map((t) => t.started)).toEqual([true, true, false]);
    expect([gate.running, gate.queued]).toEqual([2, 1]);
    tasks[0]!.release();
    await tick();
    expect(tasks[2]!.started).toBe(true);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
    tasks[1]!.release();
    tasks[2]!.release();
    expect(await Promise.all(results)).toEqual(['hashed', 'hashed', 'hashed']);
    expect(gate.running).toBe(0);
  });

  it('refuses at once beyond the queue, and a waiter after maxWaitMs, without running it', async () => {
    const gate = new HashingGate({ concurrency: 1, queueLength: 1, maxWaitMs: 50 });
    const busy = heldTask();
    const running = gate.run('normal', busy.task);
    const waiting = heldTask();
    const queued = gate.run('normal', waiting.task);
    const overflow = heldTask();
    await expect(gate.run('normal', overflow.task)).rejects.toBeInstanceOf(HashingBusy);
    const started = Date.now();
    await expect(queued).rejects.toBeInstanceOf(HashingBusy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect([waiting.started, overflow.started, gate.shed, gate.queued]).toEqual([false, false, 2, 0]);
    busy.release();
    await running;
    expect(gate.running).toBe(0);
  });

  it('serves the normal lane first, and a full queue sheds its newest suspect waiter for a normal arrival', async () => {
    const gate = new HashingGate({ concurrency: 1, queueLength: 2, maxWaitMs: 10_000 });
    const slot = occupy(gate);
    const [suspectOld, suspectNew, normal] = [heldTask(), heldTask(), heldTask()];
    const oldResult = gate.run('suspect', suspectOld.task);
    const newResult = gate.run('suspect', suspectNew.task);
    const normalResult = gate.run('normal', normal.task);
    await expect(newResult).rejects.toBeInstanceOf(HashingBusy);
    // A suspect arrival finds no one to shed: refused.
    await expect(gate.run('suspect', heldTask().task)).rejects.toBeInstanceOf(HashingBusy);
    await slot.free();
    expect([normal.started, suspectOld.started]).toEqual([true, false]);
    normal.release();
    await normalResult;
    await tick();
    expect(suspectOld.started).toBe(true);
    suspectOld.release();
    expect(await oldResult).toBe('hashed');
  });

  it('never gives suspects the last slot: a real login starts at once while guesses queue', async () => {
    const gate = new HashingGate({ concurrency: 2, queueLength: 10, maxWaitMs: 10_000 });
    const guesses = [heldTask(), heldTask(), heldTask()];
    const guessed = guesses.map((g) => gate.run('suspect', g.task));
    await tick();
    expect(guesses.map((g) => g.started)).toEqual([true, false, false]);
    const login = heldTask();
    const loggedIn = gate.run('normal', login.task);
    await tick();
    expect(login.started).toBe(true);
    login.release();
    await loggedIn;
    await tick();
    // The freed slot is the last one again: it waits for a better lane.
    expect(guesses[1]!.started).toBe(false);
    guesses[0]!.release();
    await tick();
    expect(guesses[1]!.started).toBe(true);
    guesses[1]!.release();
    await tick();
    guesses[2]!.release();
    await Promise.all(guessed);
  });

  it('serves known before normal, and sheds the worst lane first when full', async () => {
    const gate = new HashingGate({ concurrency: 1, queueLength: 2, maxWaitMs: 10_000 });
    const slot = occupy(gate);
    const [normal, suspect, known] = [heldTask(), heldTask(), heldTask()];
    const normalResult = gate.run('normal', normal.task);
    const suspectResult = gate.run('suspect', suspect.task);
    const knownResult = gate.run('known', known.task);
    await expect(suspectResult).rejects.toBeInstanceOf(HashingBusy);
    await slot.free();
    expect([known.started, normal.started]).toEqual([true, false]);
    known.release();
    await knownResult;
    await tick();
    expect(normal.started).toBe(true);
    normal.release();
    await normalResult;
  });

  it('serves known, then returning, then normal', async () => {
    const gate = new HashingGate({ concurrency: 1, queueLength: 10, maxWaitMs: 10_000 });
    const slot = occupy(gate);
    const order: string[] = [];
    const tasks = (['normal', 'returning', 'known'] as const).map((lane) => {
      const held = heldTask();
      const result = gate.run(lane, () => {
        order.push(lane);
        return held.task();
      });
      return { held, result };
    });
    // Each runs through as soon as it starts: the order is the order the gate admits them in.
    for (const { held } of tasks) held.release();
    await slot.free();
    await Promise.all(tasks.map((t) => t.result));
    expect(order).toEqual(['known', 'returning', 'normal']);
  });

  it('frees the slot when a task fails', async () => {
    const gate = new HashingGate({ concurrency: 1, queueLength: 0, maxWaitMs: 10 });
    await expect(gate.run('normal', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('normal', async () => 'next')).toBe('next');
  });
});
