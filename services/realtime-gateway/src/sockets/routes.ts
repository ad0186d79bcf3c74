import websocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceApp } from '@rideline/service-kit';
import type { WebSocket } from 'ws';
import { ADMITTED_KINDS, ENDPOINT_NAMES, ENDPOINTS, type Endpoint } from '../domain/endpoints.ts';
import { TEXTS } from '../domain/messages.ts';
import type { GatewayMetrics, RejectReason } from '../metrics.ts';
import type { SocketPrincipal, SocketService } from './socket-service.ts';
import { credentialsOf, isWellFormedUpgrade } from './upgrade-request.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the upgrade check for the WebSocket handler: who the socket is for, until when. */
    wsPrincipal: SocketPrincipal | null;
  }
}

export interface SocketRoutesOptions {
  readonly service: SocketService;
  readonly metrics: GatewayMetrics;
  readonly maxFrameBytes: number;
  /**
   * False while the projection is still being rebuilt (a socket opened then would get a partial
   * snapshot) or the revocations not yet read (a revoked token would get in).
   */
  readonly isReady: () => boolean;
  readonly shutdownDeadlineMs: number;
  /** Whether `/ws/ops/live` is served (OPS_STREAM_ENABLED). */
  readonly opsEnabled?: boolean;
}

/** The HTTP answer to each refused upgrade (also listed in the AsyncAPI document). */
export const REJECTIONS: Record<RejectReason, { readonly status: number; readonly message: string; readonly code: string }> = {
  malformed_request: { status: 400, message: TEXTS.malformed, code: 'MALFORMED_WEBSOCKET_REQUEST' },
  missing_token: { status: 401, message: TEXTS.invalidToken, code: 'UNAUTHORIZED' },
  invalid_token: { status: 401, message: TEXTS.invalidToken, code: 'UNAUTHORIZED' },
  expired_token: { status: 401, message: TEXTS.invalidToken, code: 'UNAUTHORIZED' },
  revoked_token: { status: 401, message: TEXTS.invalidToken, code: 'UNAUTHORIZED' },
  wrong_kind: { status: 401, message: TEXTS.invalidToken, code: 'UNAUTHORIZED' },
  auth_unavailable: { status: 503, message: 'Authentication is temporarily unavailable; retry shortly.', code: 'DEPENDENCY_DOWN' },
  not_ready: { status: 503, message: 'The gateway is starting; retry shortly.', code: 'NOT_READY' },
};

/** The refusals the metrics tell apart, by the access-token plugin's reason; anything else is invalid_token. */
const REFUSALS: Readonly<Record<string, RejectReason>> = { expired: 'expired_token', 'session revoked': 'revoked_token' };

function terminateOnError(this: WebSocket): void {
  this.terminate();
}

/**
 * Where an upgrade carries its token, for the access-token plugin: `Authorization: Bearer` or
 * the `bearer` subprotocol (`credentialsOf`). An ambiguous request has none.
 */
export const upgradeToken = (request: FastifyRequest): string | undefined => {
  const credentials = credentialsOf(request.headers);
  return credentials.kind === 'token' ? credentials.token : undefined;
};

/**
 * The endpoints (the ops stream only when enabled). Every check happens before the upgrade, in `preValidation`, so a refusal
 * is a plain HTTP answer with the spec's body (and @fastify/websocket then drops the TCP
 * connection): first the shape of the handshake (400), then the token (signature, expiry and
 * session, by the access-token plugin) and its kind (401). Needs `accessTokenAuth` registered
 * with `upgradeToken`.
 */
export async function installSocketRoutes(app: ServiceApp, options: SocketRoutesOptions): Promise<void> {
  await app.register(websocket, {
    options: {
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      // The browser form of the token: the server selects `bearer`, never echoing the token.
      handleProtocols: (protocols: Set<string>) => (protocols.has('bearer') ? 'bearer' : false),
    },
    errorHandler: (_error, socket) => socket.terminate(),
    preClose: async () => {
      // No more upgrades, as @fastify/websocket's own preClose does (this one replaces it).
      // Fastify keeps listening while preClose runs and answers a request that arrives meanwhile
      // with 503, but on an upgrade that 503 goes to a response not bound to the server, whose
      // socket is then never closed: the server's close waited for it forever. Without an
      // 'upgrade' listener, Node answers such a request as plain HTTP and closes it.
      app.server.removeAllListeners('upgrade');
      await options.service.shutdown(options.shutdownDeadlineMs);
    },
  });
  app.decorateRequest('wsPrincipal', null);

  const reject = (request: FastifyRequest, reply: FastifyReply, reason: RejectReason) => {
    options.metrics.rejectedUpgrades.inc({ reason });
    const { status, message, code } = REJECTIONS[reason];
    if (status === 503) reply.header('retry-after', '1');
    // @fastify/websocket drops the connection after a refused upgrade: say so, or a client's
    // keep-alive pool would reuse a dead socket.
    if (request.ws) reply.header('connection', 'close');
    return reply.code(status).send({ success: false, message, code });
  };

  const authenticate = (endpoint: Endpoint) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isWellFormedUpgrade(request.method, request.ws, request.headers)) return reject(request, reply, 'malformed_request');
    const credentials = credentialsOf(request.headers);
    if (credentials.kind === 'ambiguous') return reject(request, reply, 'malformed_request');
    if (!options.isReady()) return reject(request, reply, 'not_ready');
    if (credentials.kind === 'missing') return reject(request, reply, 'missing_token');
    const result = await app.accessTokens.verifyRequest(request);
    if (!result.ok) {
      if (!app.accessTokens.loaded) return reject(request, reply, 'auth_unavailable');
      request.log.debug({ reason: result.reason, endpoint }, 'upgrade refused');
      return reject(request, reply, REFUSALS[result.reason] ?? 'invalid_token');
    }
    if (!ADMITTED_KINDS[endpoint].has(result.principal.kind)) return reject(request, reply, 'wrong_kind');
    request.wsPrincipal = { id: result.principal.id, expiresAt: result.claims.exp, sessionId: result.claims.sid };
    return undefined;
  };

  for (const endpoint of ENDPOINT_NAMES) {
    if (endpoint === 'ops_live' && options.opsEnabled !== true) continue;
    app.get(ENDPOINTS[endpoint].path, { websocket: true, logLevel: 'warn', preValidation: authenticate(endpoint) }, (socket, request) => {
      // @fastify/websocket's error listener keeps the request and reply alive for the life of
      // the socket; a shared one keeps per-socket memory down.
      socket.removeAllListeners('error');
      socket.on('error', terminateOnError);
      const principal = request.wsPrincipal;
      if (!principal) {
        socket.terminate();
        return;
      }
      options.service.open(socket, request.raw.socket, endpoint, principal);
    });
  }
}
