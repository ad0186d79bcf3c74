import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@rideline/service-kit';
import { signAccessToken } from './access-token.ts';
import type { Principal } from './principal.ts';
import { generateSigningKey } from './signing-key.ts';

export interface TestTokenOptions {
  readonly ttlSeconds?: number;
  /** When it is issued (ms); default the issuer's clock. */
  readonly now?: number;
  /** The `sid` claim (the login session, which a logout revokes). */
  readonly sessionId?: string;
}

/**
 * booking-service as the services that only verify see it, for their tests: a JWKS served over
 * HTTP (`/.well-known/jwks.json`, 503 while `available` is false) and tokens signed with its key.
 */
export class TestIssuer {
  readonly key = generateSigningKey();
  /** While false the JWKS answers 503 (booking-service down). */
  available = true;
  readonly #clock: Pick<Clock, 'now'> | undefined;
  #server: Server | null = null;
  #port = 0;

  /** `clock`: the one a test drives the service with, so that tokens are issued at its `now`. */
  constructor(options: { readonly clock?: Pick<Clock, 'now'> } = {}) {
    this.#clock = options.clock;
  }

  /** Listens on `port` (0 for any free one). */
  async start(port = 0): Promise<this> {
    const server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      if (!this.available) return void response.writeHead(503).end();
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

  token(principal: Principal, options: TestTokenOptions = {}): string {
    const now = options.now ?? this.#clock?.now();
    return signAccessToken(this.key, principal, {
      ttlSeconds: options.ttlSeconds ?? 900,
      ...(now === undefined ? {} : { now }),
      ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
    });
  }

  /** A token of a new principal of `kind`, or of `id`. */
  tokenFor(kind: Principal['kind'], id: string = randomUUID()): string {
    return this.token({ kind, id });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
