/** What the services answered with an error status: the API error body, read. */
export interface HttpFailure {
  readonly kind: 'http';
  readonly status: number;
  /** The body's stable machine code (`VALIDATION_FAILED`, `BOOKING_TAKEN`...); `HTTP_<status>` if the body had none. */
  readonly code: string;
  readonly message: string;
  /** From `Retry-After` (429, 503): how long to wait before trying again. */
  readonly retryAfterSeconds?: number;
}

/** The request never got an answer: offline, DNS, connection refused, aborted. */
export interface NetworkFailure {
  readonly kind: 'network';
  readonly status: 0;
  readonly code: 'NETWORK_ERROR';
  readonly message: string;
  readonly cause: unknown;
}

export type ClientError = HttpFailure | NetworkFailure;

/** Every call answers a value: HTTP errors are never thrown. */
export type Result<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: ClientError };

export const success = <T>(data: T): Result<T> => ({ ok: true, data });

export function networkFailure(cause: unknown): Result<never> {
  const message = cause instanceof Error ? cause.message : String(cause);
  return { ok: false, error: { kind: 'network', status: 0, code: 'NETWORK_ERROR', message, cause } };
}

/** Reads an error answer; `body` is what openapi-fetch parsed (JSON when it was JSON, else text). */
export function httpFailure(response: Response, body: unknown): Result<never> {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof fields['code'] === 'string' ? fields['code'] : `HTTP_${response.status}`;
  const message =
    typeof fields['message'] === 'string'
      ? fields['message']
      : typeof body === 'string' && body !== ''
        ? body
        : response.statusText || `HTTP ${response.status}`;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  return {
    ok: false,
    error: { kind: 'http', status: response.status, code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  };
}

/** `Retry-After` is seconds or an HTTP date; the services send seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
