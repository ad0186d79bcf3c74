import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Which browser origins may call a service. `allowedOrigins` null means any origin: only a
 * development default, since `CORS_ALLOWED_ORIGINS` is required with NODE_ENV=production
 * (packages/config's commonSettings).
 */
export interface CorsPolicy {
  readonly allowedOrigins: readonly string[] | null;
}

/** The methods and request headers of API.md's routes (bearer tokens, JSON bodies, request ids). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT'];
const REQUEST_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id'];
/** Response headers a page must be able to read: the rate-limit and retry hints, the request id. */
const EXPOSED_HEADERS = ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'];
/** Browsers cap it anyway (Chromium at 2 h); 10 min keeps a changed policy from lingering. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * CORS for every route of the app. A request from an origin that is not allowed, or with no
 * `Origin` (not a browser's cross-origin call), gets no CORS header at all, and its preflight
 * is not answered as one (it falls through to the 404 of API.md), so the browser blocks it.
 * Tokens travel in `Authorization`, never in cookies: no credentials mode.
 */
export async function installCors(app: FastifyInstance, policy: CorsPolicy): Promise<void> {
  const allowed = policy.allowedOrigins === null ? null : new Set(policy.allowedOrigins);
  await app.register(cors, {
    origin: (origin, callback) => {
      const ok = origin !== undefined && (allowed === null || allowed.has(origin));
      callback(null, ok ? origin : false);
    },
    methods: METHODS,
    allowedHeaders: REQUEST_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_S,
    // Strict mode answers a preflight that lacks Access-Control-Request-Method with a text/plain
    // 400, not the API.md error body; such a request is answered as a preflight instead.
    strictPreflight: false,
    logLevel: 'warn',
  });
}
