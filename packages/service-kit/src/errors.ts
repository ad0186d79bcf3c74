/**
 * An error a route may throw on purpose: its status and stable code reach the client in the
 * API.md body `{success: false, message, code}`. Each service keeps one catalogue of them.
 */
export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export type ErrorFactory = (message?: string) => ServiceError;

/** `defineErrors({ TAKEN: [409, 'Booking already taken'] })` gives `errors.TAKEN()`. */
export function defineErrors<const C extends Record<string, readonly [number, string]>>(catalogue: C): { readonly [K in keyof C]: ErrorFactory } {
  return Object.fromEntries(
    Object.entries(catalogue).map(([code, [status, defaultMessage]]) => [
      code,
      (message?: string) => new ServiceError(status, code, message ?? defaultMessage),
    ]),
  ) as { readonly [K in keyof C]: ErrorFactory };
}

/** Errors every service answers with. The 401 message is fixed by API.md. */
export const commonErrors = defineErrors({
  VALIDATION_FAILED: [400, 'The request is malformed.'],
  UNAUTHORIZED: [401, 'Invalid or expired token.'],
  FORBIDDEN: [403, 'You are not allowed to do this.'],
  NOT_FOUND: [404, 'Not found.'],
  CONFLICT: [409, 'The resource is in a conflicting state.'],
  TOO_MANY_REQUESTS: [429, 'Too many attempts.'],
  DEPENDENCY_DOWN: [503, 'A dependency is unavailable; retry shortly.'],
  INTERNAL: [500, 'Internal error.'],
});

export interface ErrorBody {
  readonly success: false;
  readonly message: string;
  readonly code: string;
}
