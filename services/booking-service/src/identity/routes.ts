import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/client.ts';
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
import { refreshSession, startSession } from './sessions.ts';
import type { IdentityConfig } from './settings.ts';
import type { SigningKeys } from './signing-key-store.ts';
import { loginUser, registerUser } from './user-accounts.ts';

export interface IdentityDeps {
  readonly prisma: PrismaClient;
  /** From loadSigningKeys, once at start-up. */
  readonly keys: SigningKeys;
  readonly config: Pick<IdentityConfig, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>;
}

const routes: FastifyPluginAsync<IdentityDeps> = async (instance, deps) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/auth/users/register',
    { schema: { body: RegisterUserBody, response: { 201: UserSessionReply, 400: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const user = await registerUser(deps.prisma, request.body);
      return reply.code(201).send({ user, ...(await startSession(deps, { kind: 'user', id: user.id })) });
    },
  );

  app.post(
    '/auth/users/login',
    { schema: { body: LoginBody, response: { 200: UserSessionReply, 400: ErrorReply, 401: ErrorReply } } },
    async (request) => {
      const user = await loginUser(deps.prisma, request.body);
      return { user, ...(await startSession(deps, { kind: 'user', id: user.id })) };
    },
  );

  app.post(
    '/auth/drivers/register',
    { schema: { body: RegisterDriverBody, response: { 201: DriverSessionReply, 400: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const driver = await registerDriver(deps.prisma, request.body);
      return reply.code(201).send({ driver, ...(await startSession(deps, { kind: 'driver', id: driver.id })) });
    },
  );

  app.post(
    '/auth/drivers/login',
    { schema: { body: LoginBody, response: { 200: DriverSessionReply, 400: ErrorReply, 401: ErrorReply } } },
    async (request) => {
      const driver = await loginDriver(deps.prisma, request.body);
      return { driver, ...(await startSession(deps, { kind: 'driver', id: driver.id })) };
    },
  );

  app.post(
    '/auth/refresh',
    { schema: { body: RefreshBody, response: { 200: TokenPairReply, 400: ErrorReply, 401: ErrorReply } } },
    async (request) => refreshSession(deps, request.body.refresh_token, request.log),
  );

  app.get('/.well-known/jwks.json', { schema: { response: { 200: JwksReply } } }, async (_request, reply) => {
    // Verifiers may cache it for a while; the key only changes with JWT_PRIVATE_KEY.
    void reply.header('cache-control', 'public, max-age=300');
    return { keys: [...deps.keys.jwks.keys] };
  });
};

/**
 * Identity: registration, login and refresh for riders and drivers, and the JWKS. Decorates
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
