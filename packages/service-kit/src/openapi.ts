import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';

/** The component every refusal of every service answers with (API.md "Errors"). */
export const ErrorBodySchema = Type.Object(
  {
    success: Type.Literal(false),
    message: Type.String({ description: 'For people; its wording may change.' }),
    code: Type.String({ description: 'Stable machine code: branch on this.' }),
  },
  {
    $id: 'ErrorBody',
    description: 'Every refusal: `{success: false, message, code}`.',
    examples: [{ success: false, message: 'body.pickup.lat must be <= 90', code: 'VALIDATION_FAILED' }],
  },
);

/**
 * A `$ref` to a named component schema (one added with `app.addSchema`), typed as the schema it
 * points to so routes keep their typed bodies. @fastify/swagger turns it into
 * `#/components/schemas/<$id>`; validation and serialization resolve it through `app.addSchema`.
 */
export function schemaRef<T extends TSchema>(
  schema: T,
  options: { readonly description?: string; readonly examples?: readonly unknown[] } = {},
): TUnsafe<Static<T>> {
  const id = (schema as { readonly $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('schemaRef needs a schema with an $id (a named component)');
  return Type.Unsafe<Static<T>>({ $ref: id, ...options });
}

/** One refusal a route may answer with: the code and a message it sends. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The response entry of one status: the shared ErrorBody, with an example per code. */
export interface ErrorReply {
  readonly description: string;
  readonly content: {
    readonly 'application/json': {
      readonly schema: { readonly $ref: string };
      readonly examples: Readonly<Record<string, { readonly value: { success: false; message: string; code: string } }>>;
    };
  };
}

/**
 * The response entries of a route's refusals, all the shared ErrorBody, each with a description
 * naming the codes and an example per code: `errorReplies({409: [{code: 'DRIVER_BUSY', ...}]})`.
 * In the `content` form because a `$ref` cannot carry examples beside it through @fastify/swagger;
 * Fastify serializes by the `schema` inside it all the same.
 */
export function errorReplies<const S extends number>(refusals: Readonly<Record<S, readonly Refusal[]>>): Record<S, ErrorReply> {
  const entries = Object.entries<readonly Refusal[]>(refusals).map(([status, list]): [string, ErrorReply] => [
    status,
    {
      description: list.map((refusal) => `\`${refusal.code}\`: ${refusal.message}`).join(' '),
      content: {
        'application/json': {
          schema: { $ref: 'ErrorBody' },
          examples: Object.fromEntries(list.map((refusal) => [refusal.code, { value: { success: false, message: refusal.message, code: refusal.code } }])),
        },
      },
    },
  ]);
  return Object.fromEntries(entries) as Record<S, ErrorReply>;
}

/** Refusals every route that reads input or a token can answer with, in API.md's words. */
export const commonRefusals = {
  validation: { code: 'VALIDATION_FAILED', message: 'body.pickup.lat must be <= 90' },
  unauthorized: { code: 'UNAUTHORIZED', message: 'Invalid or expired token.' },
  forbidden: { code: 'FORBIDDEN', message: 'You are not allowed to do this.' },
  dependencyDown: { code: 'DEPENDENCY_DOWN', message: 'A dependency is unavailable; retry shortly.' },
} as const satisfies Record<string, Refusal>;

/** The security requirement of a route that needs `Authorization: Bearer <access token>`. */
export const bearerAuth = [{ bearer: [] }];

export interface OpenApiOptions {
  readonly service: string;
  readonly description: string;
  /** Tags the service's operations use, in the order the docs page lists them. */
  readonly tags: readonly { readonly name: string; readonly description: string }[];
}

/**
 * The OpenAPI 3.1 document of every route at `/openapi.json`, and an interactive page at `/docs`
 * (Swagger UI, served from the package itself: it requests nothing from any other host, so it
 * works where nothing outside is reachable). Neither needs a token. Registered before any
 * route, so that @fastify/swagger sees them all.
 */
export async function installOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  app.addSchema(ErrorBodySchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.service, version: '1.0.0', description: options.description },
      tags: [...options.tags, { name: 'health', description: 'Liveness, readiness, metrics and this document.' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'An access token from booking-service (`/auth/.../login`, `/auth/refresh`).',
          },
        },
      },
    },
    // Components keep the names of their `$id`s (`#/components/schemas/Booking`), not `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.get(
    '/openapi.json',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['health'],
        summary: 'This OpenAPI 3.1 document',
        description: 'Every route of this service, for code generators and people; `/docs` shows it interactively.',
      },
    },
    async () => app.swagger(),
  );
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No badge fetched from a validator host: the page requests nothing outside the service.
    validatorUrl: false,
    uiConfig: { deepLinking: true, displayOperationId: true, tryItOutEnabled: false },
    logLevel: 'warn',
  });
}

/** The same entry, documenting the `Retry-After` header (seconds) the refusal carries. */
export function withRetryAfter(reply: ErrorReply): ErrorReply & { readonly headers: Record<string, unknown> } {
  return { ...reply, headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before retrying.' } } };
}
