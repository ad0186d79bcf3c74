import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import Type, { type Static, type TSchema } from 'typebox';
import fp from 'fastify-plugin';
import type { PrismaClient } from '../db/client.ts';
import type { OutboxTarget } from '../outbox/outbox-writer.ts';
import { loginDriver, registerDriver } from './driver-accounts.ts';
import { schemaRef } from '@rideline/service-kit';
import { accessTokenAuth, type PrincipalKind } from '@rideline/auth';
import { identityReplies } from './refusals.ts';
import {
  DriverSessionReply,
  identitySchemas,
  JwksReply,
  LoginBody,
  OperatorSessionReply,
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
import type { HashingSlot } from './credentials.ts';
import { LoginGuard, slotIn } from './login-guard.ts';
import { LoginThrottle } from './login-throttle.ts';
import { registerIdentityMetrics } from '../metrics.ts';
import { endSession, refreshSession, startSession, type SessionDeps } from './sessions.ts';
import type { IdentityConfig } from './settings.ts';
import type { SigningKeys } from './signing-key-store.ts';
import { loginOperator } from './operator-accounts.ts';
import { loginUser, registerUser } from './user-accounts.ts';

export interface IdentityDeps {
  readonly prisma: PrismaClient;
  /** From loadSigningKeys, once at start-up. */
  readonly keys: SigningKeys;
  readonly config: Omit<IdentityConfig, 'jwtPrivateKey'>;
  /** Session revocations are published on `identity.revocations` through the outbox. */
  readonly revocations: OutboxTarget;
  /** The app's metrics registry, for the hashing and throttling metrics. */
  readonly metrics?: Registry;
}

const loginDescription =
  'Throttled per account and per client address: after repeated failures the account or address is locked ' +
  '(2 s, doubling up to 15 min) and answers 429 `TOO_MANY_ATTEMPTS` with `Retry-After`, even for the right password. ' +
  'While password hashing is saturated: 503 `SERVICE_BUSY` with `Retry-After: 1`.';

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

  /** `POST /auth/<kind>s/register`: the account created (in a hashing slot of the registration lane), then a login session of `kind`. */
  const registerRoute = <Body extends TSchema>(
    kind: PrincipalKind,
    register: (prisma: PrismaClient, body: Static<Body>, inSlot: HashingSlot) => Promise<{ readonly id: string }>,
    doc: { readonly operationId: string; readonly summary: string; readonly description: string; readonly body: Body; readonly reply: TSchema },
  ) =>
    app.post(
      `/auth/${kind}s/register`,
      {
        schema: {
          operationId: doc.operationId,
          tags: ['identity'],
          summary: doc.summary,
          description: doc.description,
          body: schemaRef(doc.body),
          response: { 201: schemaRef(doc.reply, { description: 'Registered and logged in.' }), ...identityReplies.register },
        },
      },
      async (request, reply) => {
        // Fastify widens a body type that could be undefined to unknown; an object schema's cannot be.
        const principal = await register(prisma, request.body as Static<Body>, registration);
        return reply.code(201).send({ [kind]: principal, ...(await startSession(deps, { kind, id: principal.id })) });
      },
    );

  registerRoute('user', registerUser, {
    operationId: 'registerUser',
    summary: 'Register a rider',
    description: 'Creates a rider account and starts a login session. 409 `EMAIL_TAKEN` when the email has an account.',
    body: RegisterUserBody,
    reply: UserSessionReply,
  });

  /** `POST /auth/<kind>s/login`: the credentials checked under the throttle, then a login session of `kind`. */
  const loginRoute = (
    kind: PrincipalKind,
    login: (prisma: PrismaClient, body: Static<typeof LoginBody>, inSlot: HashingSlot) => Promise<{ readonly id: string }>,
    doc: { readonly operationId: string; readonly summary: string; readonly description: string; readonly reply: TSchema },
  ) =>
    app.post(
      `/auth/${kind}s/login`,
      {
        schema: {
          operationId: doc.operationId,
          tags: ['identity'],
          summary: doc.summary,
          description: doc.description,
          body: schemaRef(LoginBody),
          response: { 200: schemaRef(doc.reply, { description: 'Logged in.' }), ...identityReplies.login },
        },
      },
      async (request) => {
        const account = `${kind}:${normalizeEmail(request.body.email)}`;
        const principal = await guard.attempt(account, addressOf(request), (inSlot) => login(prisma, request.body, inSlot));
        return { [kind]: principal, ...(await startSession(deps, { kind, id: principal.id })) };
      },
    );

  loginRoute('user', loginUser, {
    operationId: 'loginUser',
    summary: 'Log a rider in',
    description: `Checks a rider's email and password and starts a login session. ${loginDescription}`,
    reply: UserSessionReply,
  });

  registerRoute('driver', registerDriver, {
    operationId: 'registerDriver',
    summary: 'Register a driver',
    description: 'Creates a driver account with its vehicle and starts a login session. 409 `EMAIL_TAKEN` when the email has a driver account.',
    body: RegisterDriverBody,
    reply: DriverSessionReply,
  });

  loginRoute('driver', loginDriver, {
    operationId: 'loginDriver',
    summary: 'Log a driver in',
    description: `Checks a driver's email and password and starts a login session. ${loginDescription}`,
    reply: DriverSessionReply,
  });

  loginRoute('operator', loginOperator, {
    operationId: 'loginOperator',
    summary: 'Log an operator in',
    description:
      `Checks an operator's email and password and starts a login session; the ops console logs in here. Operators are created ` +
      `with \`pnpm operator add <email>\`, never over HTTP. Their tokens are refused (403) on rider and driver routes. ${loginDescription}`,
    reply: OperatorSessionReply,
  });

  app.post(
    '/auth/refresh',
    {
      schema: {
        operationId: 'refreshSession',
        tags: ['identity'],
        summary: 'Exchange a refresh token for a new token pair',
        description: 'Rotation: the refresh token sent stops working. Presenting an already rotated token again ends its whole session (401), as logout does.',
        body: schemaRef(RefreshBody),
        response: { 200: schemaRef(TokenPairReply, { description: 'A new access and refresh token.' }), ...identityReplies.refresh },
      },
    },
    async (request) => refreshSession(deps, request.body.refresh_token, request.log),
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        operationId: 'logout',
        tags: ['identity'],
        summary: 'End a login session',
        description:
          "Ends the session the refresh token belongs to, everywhere: its refresh tokens stop working and the gateway closes the session's sockets (4001). " +
          'Also 204 when the token is unknown or the session already ended, so the answer reveals nothing.',
        body: schemaRef(RefreshBody),
        response: { 204: Type.Null({ description: 'Session ended (or there was none); no body.' }), ...identityReplies.logout },
      },
    },
    async (request, reply) => {
      await endSession(deps, request.body.refresh_token, request.log);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        operationId: 'getJwks',
        tags: ['identity'],
        summary: 'Public keys that verify access tokens',
        description: 'A JSON Web Key Set; verifiers may cache it for 5 minutes (it changes only with `JWT_PRIVATE_KEY`).',
        response: { 200: schemaRef(JwksReply, { description: 'The key set.' }) },
      },
    },
    async (_request, reply) => {
      // Verifiers may cache it for a while; the key only changes with JWT_PRIVATE_KEY.
      void reply.header('cache-control', 'public, max-age=300');
      return { keys: [...identity.keys.jwks.keys] };
    },
  );
};

/**
 * Identity: registration, login (throttled per account and address, hashing bounded), refresh
 * and logout for riders and drivers, login for operators, and the JWKS. Decorates
 * the app (not just its own routes) with the access-token plugin (`accessTokens` and
 * `request.principal`), so `authenticate()` works on every route of the app.
 */
export const identityRoutes = fp<IdentityDeps>(
  async (app, deps) => {
    // On the app itself (this plugin is not encapsulated), so the OpenAPI document names them.
    for (const schema of identitySchemas) app.addSchema(schema);
    await app.register(accessTokenAuth, { keys: deps.keys.verification });
    await app.register(routes, deps);
  },
  { name: 'rideline-identity', fastify: '5.x' },
);
