import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import Type from 'typebox';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/client.ts';
import type { OutboxWake } from '../outbox/outbox-writer.ts';
import { loginDriver, registerDriver } from './driver-accounts.ts';
import {
  DriverSessionReply,
  ErrorReply,
  JwksReply,
  LoginBody,
  RefreshBody,
  RegisterDriverBody,
  RegisterUserBody,
  TokenPairReply,
  UserSessionReply,
} from './schemas.ts';
import { clientAddress, addressBucket } from './client-address.ts';
import { normalizeEmail } from './email.ts';
import { RetryLater } from './errors.ts';
import { HashingGate } from './hashing-gate.ts';
import { LoginGuard, slotIn } from './login-guard.ts';
import { LoginThrottle } from './login-throttle.ts';
import { registerIdentityMetrics } from './metrics.ts';
import { endSession, refreshSession, startSession, type SessionDeps } from './sessions.ts';
import type { IdentityConfig } from './settings.ts';
import type { SigningKeys } from './signing-key-store.ts';
import { loginUser, registerUser } from './user-accounts.ts';

export interface IdentityDeps {
  readonly prisma: PrismaClient;
  /** From loadSigningKeys, once at start-up. */
  readonly keys: SigningKeys;
  readonly config: Omit<IdentityConfig, 'jwtPrivateKey'>;
  /** Session revocations are published on this topic through the outbox. */
  readonly revocations: { readonly topic: string; readonly wake: OutboxWake };
  /** The app's metrics registry, for the hashing and throttling metrics. */
  readonly metrics?: Registry;
}

const loginRefusals = { 400: ErrorReply, 401: ErrorReply, 429: ErrorReply, 503: ErrorReply };

const routes: FastifyPluginAsync<IdentityDeps> = async (instance, identity) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { prisma, config } = identity;
  const deps: SessionDeps = {
    prisma,
    keys: identity.keys,
    config,
    revocations: { ...identity.revocations, accessTokenTtlSeconds: config.accessTokenTtlSeconds },
  };
  const gate = new HashingGate(config.passwordHashing);
  const guard = new LoginGuard(new LoginThrottle(prisma, config.loginThrottle), gate);
  const registration = slotIn(gate, 'normal');
  const addressOf = (request: FastifyRequest) =>
    addressBucket(clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], config.loginThrottle.trustProxyHops));

  const metrics = identity.metrics ? registerIdentityMetrics(identity.metrics, gate) : null;

  app.addHook('onError', async (_request, reply, error) => {
    if (!(error instanceof RetryLater)) return;
    void reply.header('retry-after', String(error.retryAfterSeconds));
    if (error.statusCode === 429) metrics?.throttled.inc();
  });

  app.post(
    '/auth/users/register',
    { schema: { body: RegisterUserBody, response: { 201: UserSessionReply, 400: ErrorReply, 409: ErrorReply, 503: ErrorReply } } },
    async (request, reply) => {
      const user = await registerUser(prisma, request.body, registration);
      return reply.code(201).send({ user, ...(await startSession(deps, { kind: 'user', id: user.id })) });
    },
  );

  app.post(
    '/auth/users/login',
    { schema: { body: LoginBody, response: { 200: UserSessionReply, ...loginRefusals } } },
    async (request) => {
      const account = `user:${normalizeEmail(request.body.email)}`;
      const user = await guard.attempt(account, addressOf(request), (inSlot) => loginUser(prisma, request.body, inSlot));
      return { user, ...(await startSession(deps, { kind: 'user', id: user.id })) };
    },
  );

  app.post(
    '/auth/drivers/register',
    { schema: { body: RegisterDriverBody, response: { 201: DriverSessionReply, 400: ErrorReply, 409: ErrorReply, 503: ErrorReply } } },
    async (request, reply) => {
      const driver = await registerDriver(prisma, request.body, registration);
      return reply.code(201).send({ driver, ...(await startSession(deps, { kind: 'driver', id: driver.id })) });
    },
  );

  app.post(
    '/auth/drivers/login',
    { schema: { body: LoginBody, response: { 200: DriverSessionReply, ...loginRefusals } } },
    async (request) => {
      const account = `driver:${normalizeEmail(request.body.email)}`;
      const driver = await guard.attempt(account, addressOf(request), (inSlot) => loginDriver(prisma, request.body, inSlot));
      return { driver, ...(await startSession(deps, { kind: 'driver', id: driver.id })) };
    },
  );

  app.post(
    '/auth/refresh',
    { schema: { body: RefreshBody, response: { 200: TokenPairReply, 400: ErrorReply, 401: ErrorReply } } },
    async (request) => refreshSession(deps, request.body.refresh_token, request.log),
  );

  app.post(
    '/auth/logout',
    { schema: { body: RefreshBody, response: { 204: Type.Null(), 400: ErrorReply } } },
    async (request, reply) => {
      await endSession(deps, request.body.refresh_token, request.log);
      return reply.code(204).send(null);
    },
  );

  app.get('/.well-known/jwks.json', { schema: { response: { 200: JwksReply } } }, async (_request, reply) => {
    // Verifiers may cache it for a while; the key only changes with JWT_PRIVATE_KEY.
    void reply.header('cache-control', 'public, max-age=300');
    return { keys: [...identity.keys.jwks.keys] };
  });
};

/**
 * Identity: registration, login (throttled per account and address, hashing bounded), refresh
 * and logout for riders and drivers, and the JWKS. Decorates
 * the app (not just its own routes) with `accessTokenKeys` and `request.principal`, so
 * `authenticate()` works on every route of the app.
 */
export const identityRoutes = fp<IdentityDeps>(
  async (app, deps) => {
    app.decorate('accessTokenKeys', deps.keys.verification);
    app.decorateRequest('principal', null);
    await app.register(routes, deps);
  },
  { name: 'rideline-identity', fastify: '5.x' },
);
