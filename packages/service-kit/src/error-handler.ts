import type { FastifyError, FastifyInstance } from 'fastify';
import { isDependencyDown } from './dependency-errors.ts';
import { ServiceError, type ErrorBody } from './errors.ts';

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** "body.pickup.lat must be <= 90": the message names the bad field, as API.md asks. */
function describeValidation(context: string | undefined, issue: ValidationIssue | undefined): string {
  const where = [context ?? 'request', ...(issue?.instancePath ?? '').split('/').filter(Boolean)];
  const missing = issue?.params?.['missingProperty'] ?? issue?.params?.['requiredProperties'];
  if (typeof missing === 'string') where.push(missing);
  if (Array.isArray(missing) && typeof missing[0] === 'string') where.push(missing[0]);
  const extra = issue?.params?.['additionalProperty'];
  if (typeof extra === 'string') where.push(extra);
  return `${where.join('.')} ${issue?.message ?? 'is invalid'}`;
}

/**
 * One place that turns every failure into the API.md error body. Unexpected errors are logged
 * with their stack and answered with a plain 500; the client never sees a stack trace.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | ServiceError>((error, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof ServiceError) {
      status = error.statusCode;
      body = { success: false, message: error.message, code: error.code };
    } else if ('validation' in error && error.validation) {
      status = 400;
      const issue = error.validation[0] as ValidationIssue | undefined;
      body = {
        success: false,
        message: describeValidation(error.validationContext, issue),
        code: 'VALIDATION_FAILED',
      };
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: unparseable JSON, body too large, bad content type...
      status = error.statusCode;
      body = { success: false, message: error.message, code: error.code ?? 'BAD_REQUEST' };
    } else if (isDependencyDown(error)) {
      request.log.warn({ err: error }, 'a dependency is unreachable');
      status = 503;
      body = { success: false, message: 'A dependency is unavailable; retry shortly.', code: 'DEPENDENCY_DOWN' };
    } else {
      request.log.error({ err: error }, 'unhandled error');
      status = 500;
      body = { success: false, message: 'Internal error.', code: 'INTERNAL' };
    }
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      success: false,
      message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
      code: 'NOT_FOUND',
    } satisfies ErrorBody),
  );
}
