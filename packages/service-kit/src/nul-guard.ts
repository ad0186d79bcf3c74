import type { FastifyInstance } from 'fastify';
import { ServiceError } from './errors.ts';

/** The path of the first string holding a NUL character, if any (depth-limited). */
function findNul(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 64 || typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = findNul(child, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL cannot store a NUL character in text or JSON, so a body carrying one would fail
 * deep in a query; it is refused at the boundary instead, naming the field (found by fuzzing).
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field = findNul(request.body, 'body', 0);
    if (field) throw new ServiceError(400, 'VALIDATION_FAILED', `${field} must not contain a NUL character`);
  });
}
