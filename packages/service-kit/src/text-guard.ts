import type { FastifyInstance } from 'fastify';
import { commonErrors } from './errors.ts';
import { describeIllFormedText, findIllFormedText } from './well-formed-text.ts';

/** The parts of a request a client writes text into, in the order they are reported. */
const PARTS = [
  ['params', (request: { params: unknown }) => request.params],
  ['querystring', (request: { query: unknown }) => request.query],
  ['body', (request: { body: unknown }) => request.body],
] as const;

/**
 * Refuses, with 400 naming the field, any path parameter, query string or body string holding a
 * lone surrogate or NUL (see well-formed-text.ts): such text would either fail deep in a query
 * (a 500) or be stored altered. Runs before every route's own validation, in every service.
 *
 * WebSocket upgrades are left to their route: websocket-api.md fixes the answer to a bad handshake
 * (400 `Malformed WebSocket request.`), and the gateway reads nothing from their query string.
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.headers.upgrade !== undefined) return;
    for (const [name, read] of PARTS) {
      const found = findIllFormedText(read(request), name);
      if (found !== null) throw commonErrors.VALIDATION_FAILED(describeIllFormedText(found));
    }
  });
}
