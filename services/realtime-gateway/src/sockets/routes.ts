import websocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceApp } from '@rideline/service-kit';
import type { WebSocket } from 'ws';
import type { TokenVerifier } from '../auth/key-loading.ts';
import { ENDPOINT_NAMES, ENDPOINTS, type Endpoint } from '../domain/endpoints.ts';
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
  readonly verifier: TokenVerifier;
  readonly metrics: GatewayMetrics;
  readonly maxFrameBytes: number;
  /**
   * False while the projection is still being rebuilt (a socket opened then would get a partial
   * snapshot) or the revocations not yet read (a revoked token would get in).
   */
  readonly isReady: () => boolean;
  readonly isSessionRevoked: (sessionId: string | undefined) => boolean;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
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

function terminateOnError(this: WebSocket): void {
  this.terminate();
}

/**
 * The endpoints. Every check happens before the upgrade, in `preValidation`, so a refusal
 * is a plain HTTP answer with the spec's body (and @fastify/websocket then drops the TCP
 * connection): first the shape of the handshake (400), then the token and its kind (401).
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
    const result = await options.verifier.verify(credentials.token, options.now());
    if (!result.ok) {
      if (!options.verifier.loaded) return reject(request, reply, 'auth_unavailable');
      request.log.debug({ reason: result.reason, endpoint }, 'upgrade refused');
      return reject(request, reply, result.reason === 'expired' ? 'expired_token' : 'invalid_token');
    }
    if (result.principal.kind !== ENDPOINTS[endpoint].kind) return reject(request, reply, 'wrong_kind');
    if (options.isSessionRevoked(result.claims.sid)) return reject(request, reply, 'revoked_token');
    request.wsPrincipal = { id: result.principal.id, expiresAt: result.claims.exp, sessionId: result.claims.sid };
    return undefined;
  };

  for (const endpoint of ENDPOINT_NAMES) {
    if (endpoint === 'ops_live' && options.opsEnabled !== true) continue;
    app.get(
      ENDPOINTS[endpoint].path,
      { websocket: true, logLevel: 'warn', preValidation: authenticate(endpoint) },
      (socket, request) => {
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
      },
    );
  }
}
