/**
 * Whether this process started the SDK. Everything on a hot path (a record consumed or
 * published, a socket write) checks this first and does nothing more when tracing is off: the
 * no-op API would be cheap, this is free.
 */
export const tracingState = { active: false };

/** Whether spans are recorded and context propagated in this process. */
export const tracingActive = (): boolean => tracingState.active;
