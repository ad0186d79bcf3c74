import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, signAccessToken, type PrincipalKind } from '@rideline/auth';

/**
 * booking-service's key endpoint, as far as dispatch is concerned: a JWKS served over HTTP, and
 * access tokens signed with its key.
 */
export class JwksServer {
  readonly key = generateSigningKey();
  #server: Server | null = null;
  #port = 0;

  /** Listens on `port` (0 for any free one). */
  async start(port = 0): Promise<this> {
    const server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [this.key.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/.well-known/jwks.json`;
  }

  token(kind: PrincipalKind, id: string = randomUUID()): string {
    return signAccessToken(this.key, { kind, id }, { ttlSeconds: 900 });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
