import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, JwksClient, signAccessToken, type SigningKey } from '../src/index.ts';

const USER = { kind: 'user', id: '6f1c2a9e-8d3b-4c6a-9f0e-2b7d5a1c3e4f' } as const;
let server: Server;
let url: string;
let served: SigningKey[];
let fetches = 0;

beforeAll(async () => {
  served = [generateSigningKey()];
  server = createServer((_request, response) => {
    fetches++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: served.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('JwksClient', () => {
  it('verifies tokens with the fetched keys, and picks up a rotated key on first sight of its kid', async () => {
    const client = new JwksClient({ url, minFetchGapMs: 0 });
    await client.start();
    const first = signAccessToken(served[0]!, USER, { ttlSeconds: 60 });
    expect(await client.verify(first)).toMatchObject({ ok: true, principal: USER });

    const rotated = generateSigningKey();
    served = [rotated, served[0]!];
    const before = fetches;
    const second = signAccessToken(rotated, USER, { ttlSeconds: 60 });
    expect(await client.verify(second)).toMatchObject({ ok: true });
    expect(fetches).toBe(before + 1);
    client.stop();
  });

  it('does not let tokens with unknown keys make it fetch more than once per gap', async () => {
    const client = new JwksClient({ url, minFetchGapMs: 60_000 });
    await client.start();
    const before = fetches;
    const stranger = generateSigningKey();
    for (let i = 0; i < 20; i++) {
      const result = await client.verify(signAccessToken(stranger, USER, { ttlSeconds: 60 }));
      expect(result).toMatchObject({ ok: false, reason: 'unknown key' });
    }
    expect(fetches).toBe(before);
    client.stop();
  });

  it('refuses expired tokens and fails start when the JWKS does not answer', async () => {
    const client = new JwksClient({ url });
    await client.start();
    const expired = signAccessToken(served[0]!, USER, { ttlSeconds: 30, now: Date.now() - 60_000 });
    expect(await client.verify(expired)).toMatchObject({ ok: false, reason: 'expired' });
    client.stop();
    await expect(new JwksClient({ url: 'http://127.0.0.1:1/jwks.json', fetchTimeoutMs: 500 }).start()).rejects.toThrow();
  });
});
