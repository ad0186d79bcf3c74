import fastifyJwt from '@fastify/jwt';
import { commonErrors, systemClock, type Clock, type ReadinessCheck } from '@rideline/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { readAccessClaims, refused, type AccessTokenVerification } from './access-token.ts';
import type { KeySource } from './key-source.ts';
import type { Principal, PrincipalKind } from './principal.ts';
import { ACCESS_TOKEN_ALGORITHM } from './signing-key.ts';

/** Checks access tokens with the keys of the plugin's `KeySource` and its clock. */
export interface AccessTokens {
  /** Whether the keys are loaded (until then every token is refused). */
  readonly loaded: boolean;
  /** Readiness check named `auth` by the services: down until the keys are loaded. */
  readonly ready: ReadinessCheck;
  /** Checks the token a request carries (where `tokenOf` looks). */
  verifyRequest(request: FastifyRequest): Promise<AccessTokenVerification>;
  /** Checks a token that came without a request of its own (a socket's in-band refresh). */
  verify(token: string): Promise<AccessTokenVerification>;
  /** The error a request gets while the keys are not loaded. */
  keysNotLoaded(): Error;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Decorated by `accessTokenAuth`. */
    accessTokens: AccessTokens;
  }
  interface FastifyRequest {
    /** Who the request acts for, once `authenticate` has admitted it; null before or without it. */
    principal: Principal | null;
  }
}

export interface AccessTokenAuthOptions {
  readonly keys: KeySource;
  /** Expiry is checked against this clock's `now`; default the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  /** Where a request carries its token; default `Authorization: Bearer <token>`. */
  readonly tokenOf?: (request: FastifyRequest) => string | undefined;
  /** Whether a login session (`sid`) has been revoked (logout): its tokens are refused. */
  readonly isSessionRevoked?: (sessionId: string | undefined) => boolean;
  /** The error a request gets while the keys are not loaded; default DEPENDENCY_DOWN (503). */
  readonly keysNotLoaded?: () => Error;
}

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +([A-Za-z0-9\-_.]+) *$/i.exec(header ?? '')?.[1];
}

const fromAuthorizationHeader = (request: FastifyRequest) => bearerToken(request.headers.authorization);

/** Raised by the key lookup; `message` becomes the refusal's reason (for logs only). */
class KeyRefusal extends Error {}

function headerOf(tokenOrHeader: unknown): Record<string, unknown> {
  const value = (typeof tokenOrHeader === 'object' && tokenOrHeader !== null ? tokenOrHeader : {}) as Record<string, unknown>;
  const header = value['header'];
  return (typeof header === 'object' && header !== null ? header : value) as Record<string, unknown>;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : 'invalid token');

/**
 * Access tokens for a Fastify app, on @fastify/jwt: the header's `kid` picks the public key from
 * `keys` (any `alg` but EdDSA is refused before a key is even looked up, so no `none` and no
 * HS256 keyed with a public key), fast-jwt checks the signature with that key only, and
 * `readAccessClaims` checks the claims and the expiry against `clock`. Decorates the app with
 * `accessTokens` and requests with `principal`; routes opt in with `authenticate()`.
 */
export const accessTokenAuth = fp<AccessTokenAuthOptions>(
  async (app, options) => {
    const clock = options.clock ?? systemClock;
    const tokenOf = options.tokenOf ?? fromAuthorizationHeader;
    const keyFor = async (tokenOrHeader: unknown): Promise<string> => {
      const header = headerOf(tokenOrHeader);
      if (header['alg'] !== ACCESS_TOKEN_ALGORITHM) throw new KeyRefusal(`algorithm ${String(header['alg'])} not accepted`);
      const kid = header['kid'];
      const pem = typeof kid === 'string' ? await options.keys.keyFor(kid) : undefined;
      if (pem === undefined) throw new KeyRefusal('unknown key');
      return pem;
    };
    await app.register(fastifyJwt, {
      secret: { public: async (_request: FastifyRequest, tokenOrHeader: unknown) => keyFor(tokenOrHeader) },
      decode: { complete: true },
      verify: {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        // Time is checked by readAccessClaims against the injected clock.
        ignoreExpiration: true,
        ignoreNotBefore: true,
        // A client repeats its token on every request: remember verified signatures (the
        // claims are still checked against the clock, every time).
        cache: 10_000,
        extractToken: (request) => tokenOf(request),
      },
    });
    const admit = (payload: unknown): AccessTokenVerification => {
      const result = readAccessClaims(payload, clock.now());
      if (result.ok && options.isSessionRevoked?.(result.claims.sid)) return refused('session revoked');
      return result;
    };
    const accessTokens: AccessTokens = {
      get loaded() {
        return options.keys.loaded;
      },
      keysNotLoaded: () => (options.keysNotLoaded ?? commonErrors.DEPENDENCY_DOWN)(),
      ready: async () => {
        if (!options.keys.loaded) throw new Error('signing keys not loaded');
      },
      async verifyRequest(request) {
        if (tokenOf(request) === undefined) return refused('no token');
        try {
          return admit(await request.jwtVerify());
        } catch (error) {
          return refused(reasonOf(error));
        }
      },
      async verify(token) {
        try {
          const decoded = app.jwt.decode(token);
          if (decoded === null) return refused('malformed');
          // A verifier made for this one call (@fastify/jwt caches only its request path's): no cache to fill.
          return admit(app.jwt.verify(token, { key: await keyFor(decoded), cache: false }));
        } catch (error) {
          return refused(reasonOf(error));
        }
      },
    };
    app.decorate('accessTokens', accessTokens);
    app.decorateRequest('principal', null);
  },
  { name: 'rideline-access-tokens', fastify: '5.x' },
);

export interface AuthenticateOptions {
  /**
   * The kinds of principal admitted; any when absent. A list rather than one kind, so a route
   * open to a new kind of principal names it here.
   */
  readonly kinds?: readonly PrincipalKind[];
  /** The 403 message for a valid token of another kind; FORBIDDEN's own when absent. */
  readonly forbidden?: string;
}

export type AuthenticateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * A hook admitting a request with a valid access token and setting `request.principal`:
 * missing, malformed, forged, expired or revoked token → 401 `Invalid or expired token.` (with
 * `WWW-Authenticate: Bearer`); keys not loaded yet → 503; a valid token of a kind not in
 * `kinds` → 403. Needs `accessTokenAuth` registered on the app.
 */
export function authenticate(options: AuthenticateOptions = {}): AuthenticateHook {
  const kinds = options.kinds === undefined ? undefined : new Set<PrincipalKind>(options.kinds);
  return async (request, reply) => {
    const tokens = (request.server as Partial<FastifyInstance>).accessTokens;
    if (!tokens) throw new Error('authenticate() needs accessTokenAuth registered on the app');
    const result = await tokens.verifyRequest(request);
    if (!result.ok) {
      if (result.reason !== 'no token' && !tokens.loaded) throw tokens.keysNotLoaded();
      request.log.debug({ reason: result.reason }, 'access token refused');
      void reply.header('www-authenticate', 'Bearer');
      throw commonErrors.UNAUTHORIZED();
    }
    if (kinds && !kinds.has(result.principal.kind)) throw commonErrors.FORBIDDEN(options.forbidden);
    request.principal = result.principal;
  };
}

/** The principal of a request behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.UNAUTHORIZED();
  return request.principal;
}
