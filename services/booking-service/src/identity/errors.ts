import { defineErrors } from '@rideline/service-kit';

/**
 * Identity's own error codes. Token failures are not here on purpose: they always answer
 * commonErrors.UNAUTHORIZED (`Invalid or expired token.`, fixed by API.md), and a token of
 * the wrong kind commonErrors.FORBIDDEN.
 */
export const identityErrors = defineErrors({
  EMAIL_TAKEN: [409, 'An account with this email already exists.'],
  INVALID_CREDENTIALS: [401, 'Invalid email or password.'],
});
