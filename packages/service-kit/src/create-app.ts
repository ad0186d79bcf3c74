import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Registry } from 'prom-client';
import { installErrorHandler } from './error-handler.ts';
import { installHealth, type ReadinessCheck } from './health.ts';
import { installMetrics } from './metrics.ts';
import { installBodyParsers } from './body-parsers.ts';
import { installCors, type CorsPolicy } from './cors.ts';
import { installTextGuard } from './text-guard.ts';
import { installOpenApi } from './openapi.ts';
import { validationController } from './validation.ts';
import { installRequestIdHeader, requestIdOf } from './request-id.ts';
import { installTraceRoute } from './trace-route.ts';

export interface ServiceAppOptions {
  readonly service: string;
  readonly logger: FastifyBaseLogger;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  readonly bodyLimitBytes?: number;
  /**
   * Which browser origins may call the service: services pass their `CORS_ALLOWED_ORIGINS`
   * (commonSettings). Without it no origin is allowed, so an app that forgets it fails closed.
   */
  readonly cors?: CorsPolicy;
  /** One line for the OpenAPI document's description. */
  readonly description?: string;
  /** The OpenAPI tags of the service's own routes (`health` is added for the shared ones). */
  readonly tags?: readonly { readonly name: string; readonly description: string }[];
}

export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * The Fastify instance every service starts from: typed routes (TypeBox), the API.md error
 * body, CORS, health, metrics, an OpenAPI document of every route at `/openapi.json` and its
 * interactive page at `/docs`. Services add their routes and metrics to it.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<{ app: ServiceApp; metrics: Registry }> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    return503OnClosing: true,
    // Errors the router raises before any route runs (e.g. an overlong path parameter) get the
    // API.md body too, without echoing the request back.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).send({ success: false, message: 'The request is malformed.', code: error.code ?? 'BAD_REQUEST' });
    },
    forceCloseConnections: 'idle',
    // Ids unique across processes and restarts (Fastify's default is a per-process counter),
    // or the caller's own, so one request can be followed from the client through the logs.
    genReqId: requestIdOf,
    schemaController: validationController,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // First: every response, a CORS preflight's too, says its request id.
  installRequestIdHeader(app);
  installTraceRoute(app);
  // Before any route: its preflight route and onRequest hook then cover them all.
  await installCors(app, options.cors ?? { allowedOrigins: [] });
  // Registered (and awaited) before any route, so that it sees them all.
  await installOpenApi(app, { service: options.service, description: options.description ?? '', tags: options.tags ?? [] });
  installBodyParsers(app);
  installTextGuard(app);
  installErrorHandler(app);
  installHealth(app, options.readiness);
  const metrics = installMetrics(app, options.service);
  return { app, metrics };
}
