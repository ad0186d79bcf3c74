import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/** No body at all on the wire: neither a length above zero nor a chunked one. */
function hasNoBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
}

/**
 * An empty body is no body, whatever its Content-Type says: many HTTP clients send
 * `Content-Type: application/json` on every request, including the bodyless POSTs (accept,
 * complete, cancel), and Fastify's JSON parser refuses an empty body (FST_ERR_CTP_EMPTY_JSON_BODY).
 * A route that needs a body still refuses a missing one in its schema ("body must be object").
 *
 * A non-empty body is parsed as before: JSON by Fastify's own parser (with its `__proto__` and
 * `constructor` poisoning checks), text as text, and any other type refused with 415.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    return parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body.length === 0 ? undefined : body));
  // Any other (or no) content type: nothing to read when there is no body; otherwise the 415 the
  // router would give, without reading a body nobody can parse.
  app.addContentTypeParser('*', (request, _payload, done) => {
    if (hasNoBody(request)) return done(null, undefined);
    return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
  });
}
