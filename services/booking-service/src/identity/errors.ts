import { defineErrors, ServiceError } from '@rideline/service-kit';

/**
 * Identity's own error codes. Token failures are not here on purpose: they always answer
 * commonErrors.UNAUTHORIZED (`Invalid or expired token.`, fixed by API.md), and a token of
 * the wrong kind commonErrors.FORBIDDEN.
 */
export const identityErrors = defineErrors({
  EMAIL_TAKEN: [409, 'An account with this email already exists.'],
  INVALID_CREDENTIALS: [401, 'Invalid email or password.'],
  TOO_MANY_ATTEMPTS: [429, 'Too many failed login attempts; try again later.'],
  SERVICE_BUSY: [503, 'Too many logins are being checked right now; retry shortly.'],
});

/** A refusal the client may retry after `retryAfterSeconds` (sent as the Retry-After header). */
export class RetryLater extends ServiceError {
  constructor(
    refusal: ServiceError,
    readonly retryAfterSeconds: number,
  ) {
    super(refusal.statusCode, refusal.code, refusal.message);
    this.name = 'RetryLater';
  }
}
