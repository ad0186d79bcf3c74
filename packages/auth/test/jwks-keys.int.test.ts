import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@rideline/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, JwksKeys, publicKeysOf, type SigningKey } from '../src/index.ts';

const silent = { info: () => {}, warn: () => {}, debug: () => {} };
let server: Server;
let url: string;
let served: SigningKey[];
let available = true;
let fetches = 0;

beforeAll(async () => {
  served = [generateSigningKey()];
  server = createServer((_request, response) => {
    fetches++;
    if (!available) return void response.writeHead(503).end();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: served.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const pemOf = (key: SigningKey) => publicKeysOf({ keys: [key.publicJwk] }).get(key.kid);

/** Waits (real time: the fetch is real I/O) until `condition`, without moving the manual clock. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met');
}

describe('JwksKeys', () => {
  it('finds the fetched keys, and picks up a rotated key on first sight of its kid', async () => {
    const keys = new JwksKeys({ url, logger: silent, minFetchGapMs: 0 });
    keys.start();
    expect(await keys.keyFor(served[0]!.kid)).toBe(pemOf(served[0]!));
    expect(keys.loaded).toBe(true);

    const rotated = generateSigningKey();
    served = [rotated, served[0]!];
    const before = fetches;
    expect(await keys.keyFor(rotated.kid)).toBe(pemOf(rotated));
    expect(fetches).toBe(before + 1);
    keys.stop();
  });

  it('does not let unknown kids make it fetch more than once per gap', async () => {
    const clock = new ManualClock();
    const keys = new JwksKeys({ url, logger: silent, minFetchGapMs: 60_000, clock });
    await keys.refresh();
    const before = fetches;
    for (let i = 0; i < 20; i++) expect(await keys.keyFor(generateSigningKey().kid)).toBeUndefined();
    expect(fetches).toBe(before);
    clock.advance(60_000);
    expect(await keys.keyFor(generateSigningKey().kid)).toBeUndefined();
    expect(fetches).toBe(before + 1);
  });

  it('retries a failed first load with doubling waits on its clock, then keeps the keys fresh', async () => {
    available = false;
    const clock = new ManualClock();
    const keys = new JwksKeys({ url, logger: silent, clock, retryMs: 100, maxRetryMs: 400, refreshIntervalMs: 10_000 });
    try {
      const first = fetches;
      keys.start();
      await until(() => fetches === first + 1 && clock.pending === 1);
      expect(keys.loaded).toBe(false);
      await expect(keys.ready()).rejects.toThrow(/not loaded/);
      // Waits of 100, 200, 400, 400 ms: nothing is fetched before each is over.
      for (const wait of [100, 200, 400, 400]) {
        const count = fetches;
        clock.advance(wait - 1);
        expect(fetches).toBe(count);
        clock.advance(1);
        await until(() => fetches === count + 1 && clock.pending === 1);
      }
      available = true;
      const count = fetches;
      clock.advance(400);
      await until(() => keys.loaded && clock.pending === 1);
      expect(fetches).toBe(count + 1);
      await expect(keys.ready()).resolves.toBeUndefined();
      clock.advance(9_999);
      expect(fetches).toBe(count + 1);
      clock.advance(1);
      await until(() => fetches === count + 2 && clock.pending === 1);
    } finally {
      available = true;
      keys.stop();
    }
    expect(clock.pending).toBe(0);
  });

  it('stops retrying once stopped', async () => {
    const clock = new ManualClock();
    const keys = new JwksKeys({ url: 'http://127.0.0.1:1/jwks.json', logger: silent, clock, fetchTimeoutMs: 500 });
    keys.start();
    await until(() => clock.pending === 1);
    keys.stop();
    expect(clock.pending).toBe(0);
    expect(keys.loaded).toBe(false);
  });
});
