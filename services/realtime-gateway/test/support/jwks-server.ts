import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, signAccessToken, type Principal, type SigningKey } from '@rideline/auth';
import type { Clock } from '@rideline/service-kit';

/** booking-service's JWKS endpoint, stood in for by a tiny local server, and a token mint. */
export interface TestIssuer {
  readonly url: string;
  readonly key: SigningKey;
  /**
   * `now` (ms) is when the token is issued: default the issuer's clock. `sessionId` becomes the
   * `sid` claim (the login session, which a logout revokes).
   */
  token(principal: Principal, ttlSeconds?: number, now?: number, sessionId?: string): string;
  /** While false the JWKS answers 503 (booking-service down). */
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

/** `clock`: the gateway's, when a test drives time, so that tokens are issued at its `now`. */
export async function startTestIssuer(options: { available?: boolean; port?: number; clock?: Clock } = {}): Promise<TestIssuer> {
  const key = generateSigningKey();
  let available = options.available ?? true;
  const server: Server = createServer((_request, response) => {
    if (!available) {
      response.statusCode = 503;
      response.end();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    key,
    token: (principal, ttlSeconds = 300, now, sessionId) =>
      signAccessToken(key, principal, {
        ttlSeconds,
        ...(now === undefined && options.clock === undefined ? {} : { now: now ?? options.clock?.now() }),
        ...(sessionId === undefined ? {} : { sessionId }),
      }),
    setAvailable: (value) => (available = value),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
