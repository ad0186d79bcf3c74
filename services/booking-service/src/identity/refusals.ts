import { commonRefusals, errorReplies, withRetryAfter, type Refusal } from '@rideline/service-kit';
import { identityErrors } from './errors.ts';

/** A catalogue entry as the OpenAPI document shows it: its code and default message. */
const shown = (factory: () => { code: string; message: string }): Refusal => {
  const { code, message } = factory();
  return { code, message };
};

const emailTaken = shown(identityErrors.EMAIL_TAKEN);
const badCredentials = shown(identityErrors.INVALID_CREDENTIALS);
const busy = shown(identityErrors.SERVICE_BUSY);

/** The documented refusals of each identity route (API.md Identity and its additions). */
export const identityReplies = {
  register: {
    ...errorReplies({ 400: [commonRefusals.validation], 409: [emailTaken] }),
    503: withRetryAfter(errorReplies({ 503: [busy, commonRefusals.dependencyDown] })[503]),
  },
  login: {
    ...errorReplies({ 400: [commonRefusals.validation], 401: [badCredentials] }),
    429: withRetryAfter(errorReplies({ 429: [shown(identityErrors.TOO_MANY_ATTEMPTS)] })[429]),
    503: withRetryAfter(errorReplies({ 503: [busy, commonRefusals.dependencyDown] })[503]),
  },
  refresh: errorReplies({ 400: [commonRefusals.validation], 401: [commonRefusals.unauthorized], 503: [commonRefusals.dependencyDown] }),
  logout: errorReplies({ 400: [commonRefusals.validation], 503: [commonRefusals.dependencyDown] }),
};
