import { accessTokenAuth, authenticate, type KeySource } from '@rideline/auth';
import { commonErrors, createServiceApp, type ServiceApp } from '@rideline/service-kit';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { WebBundle } from './bundle.ts';
import { browserGatewayUrl, type ConsoleConfig } from './config.ts';
import { readConsumerLag } from './consumer-lag.ts';
import { contentSecurityPolicy, INDEX_HTML } from './page.ts';

export interface ConsoleDeps {
  readonly logger: FastifyBaseLogger;
  readonly bundle: WebBundle;
  /** booking-service's public keys (`JwksKeys`), which the console's own operator check uses. */
  readonly keys: KeySource;
}

const LoginBody = Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 128 }) }, { additionalProperties: false });
const RefreshBody = Type.Object({ refresh_token: Type.String({ maxLength: 512 }) }, { additionalProperties: false });
const BookingParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * The console: the page and its bundle, the settings the page needs, and a thin same-origin
 * front for booking-service (login, refresh, logout, a booking's history), so the browser talks to
 * one origin for HTTP and to the gateway only for the live socket. The token is passed through as
 * it came: booking-service decides, and answers operator routes to operators only.
 */
export async function buildApp(config: ConsoleConfig, deps: ConsoleDeps): Promise<{ app: ServiceApp }> {
  const { app } = await createServiceApp({
    service: 'ops-console',
    logger: deps.logger,
    readiness: {},
    description: 'The operations console: the page, and its same-origin front for booking-service',
    tags: [{ name: 'console', description: 'What the console page calls.' }],
  });
  await app.register(accessTokenAuth, { keys: deps.keys });
  const gatewayWs = browserGatewayUrl(config);
  const csp = contentSecurityPolicy(gatewayWs, config.tileUrl);

  const page = (type: string, body: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.header('content-type', type).header('cache-control', 'no-cache').header('content-security-policy', csp).send(body);
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, page('text/html; charset=utf-8', INDEX_HTML));
  app.get('/app.js', hidden, page('text/javascript; charset=utf-8', deps.bundle.js));
  app.get('/app.css', hidden, page('text/css; charset=utf-8', deps.bundle.css));
  app.get('/favicon.ico', hidden, async (_request, reply) => reply.code(204).send());

  const doc = (operationId: string, summary: string) => ({ operationId, summary, description: summary, tags: ['console'] });
  app.get('/config.json', { schema: doc('getConsoleConfig', 'What the page needs: where the gateway is, the basemap') }, async () => ({
    gateway_ws_url: gatewayWs,
    tile_url: config.tileUrl || null,
    tile_attribution: config.tileAttribution,
  }));

  const forward = async (reply: FastifyReply, path: string, init: RequestInit) => {
    let upstream: Response;
    try {
      upstream = await fetch(new URL(path, config.bookingUrl), { ...init, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    } catch {
      throw commonErrors.DEPENDENCY_DOWN();
    }
    const text = await upstream.text();
    const retryAfter = upstream.headers.get('retry-after');
    if (retryAfter !== null) void reply.header('retry-after', retryAfter);
    void reply.code(upstream.status);
    return text === '' ? reply.send() : reply.header('content-type', 'application/json; charset=utf-8').send(text);
  };
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  app.post('/api/login', { schema: { ...doc('login', 'Log an operator in (booking-service)'), body: LoginBody } }, async (request, reply) =>
    forward(reply, '/auth/operators/login', json(request.body)),
  );
  app.post('/api/refresh', { schema: { ...doc('refresh', 'Refresh the session (booking-service)'), body: RefreshBody } }, async (request, reply) =>
    forward(reply, '/auth/refresh', json(request.body)),
  );
  app.post('/api/logout', { schema: { ...doc('logout', 'End the session (booking-service)'), body: RefreshBody } }, async (request, reply) =>
    forward(reply, '/auth/logout', json(request.body)),
  );
  app.get(
    '/api/bookings/:id/events',
    { schema: { ...doc('getBookingHistory', "A booking's event history (booking-service, operators only)"), params: BookingParams } },
    async (request, reply) => forward(reply, `/ops/bookings/${request.params.id}/events`, { headers: { authorization: request.headers.authorization ?? '' } }),
  );

  app.get(
    '/api/lag',
    { onRequest: authenticate({ kinds: ['operator'] }), schema: doc('getConsumerLag', "Each service's Kafka consumer lag (operators only)") },
    async () => {
      const services = await readConsumerLag({
        'booking-service': config.bookingUrl,
        'dispatch-service': config.dispatchUrl,
        'realtime-gateway': config.gatewayUrl,
      });
      return { services };
    },
  );
  return { app };
}
