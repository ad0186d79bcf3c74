import { defineErrors } from '@rideline/service-kit';

/** dispatch-service's own errors (the 401/403 are the common ones, whose wording API.md fixes). */
export const dispatchErrors = defineErrors({
  KEYS_NOT_LOADED: [503, 'Tokens cannot be checked yet; retry shortly.'],
  NOT_RECORDED: [503, 'The update could not be recorded; retry shortly.'],
});
