import { redactUrl, type ParsedDatabaseUrl } from './url.ts';

/**
 * Errors meant for the person running the service: callers print `.message`, which names
 * the setting to fix and never contains a password or a stack trace.
 */

export type UnreachableReason = 'refused' | 'host-not-found' | 'timeout' | 'authentication' | 'starting-up' | 'network';

/** The server could not be reached, or refused us (bad credentials, unknown role). */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    message: string,
    readonly reason: UnreachableReason,
    /** `host:port` that was tried. */
    readonly address: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered but could not do what was asked (e.g. no permission to create a database). */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
  constructor(
    message: string,
    /** PostgreSQL's SQLSTATE, when the server sent one. */
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

/** The SQLSTATE of a pg DatabaseError (5 characters), else undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = asErrorLike(error)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function messageOf(error: unknown): string {
  const message = asErrorLike(error)?.message;
  if (typeof message === 'string' && message !== '') return message;
  const code = asErrorLike(error)?.code;
  return typeof code === 'string' ? code : String(error);
}

/** Node's socket error codes, also looked for inside an AggregateError (dual-stack connects). */
function systemCodesOf(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown): void => {
    const e = asErrorLike(value);
    if (e === undefined) return;
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) codes.push(e.code);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner);
  };
  visit(error);
  return codes;
}

/**
 * Turns a connection-time failure into a {@link DatabaseUnreachableError}, or returns
 * undefined when the error is something else (an SQL error from a live connection).
 */
export function classifyConnectionError(error: unknown, target: ParsedDatabaseUrl, urlName: string): DatabaseUnreachableError | undefined {
  const where = `PostgreSQL at ${target.address}`;
  const setting = `${urlName}=${redactUrl(target.url)}`;
  const make = (reason: UnreachableReason, text: string): DatabaseUnreachableError =>
    new DatabaseUnreachableError(`${text} (${setting}).`, reason, target.address, { cause: error });

  const sqlState = sqlStateOf(error);
  const user = target.user ?? '(default user)';
  if (sqlState === '28P01') {
    return make('authentication', `${where} rejected the password of user "${user}": check the credentials in ${urlName}`);
  }
  if (sqlState === '28000') {
    return make('authentication', `${where} refused user "${user}" (${messageOf(error)}): check the user in ${urlName} and the server's pg_hba.conf`);
  }
  if (sqlState === '57P03') {
    return make('starting-up', `${where} is not accepting connections yet (${messageOf(error)}); try again shortly`);
  }
  const message = messageOf(error);
  if (/password must be a string|SASL: SCRAM|no password supplied/i.test(message)) {
    return make('authentication', `${where} asks for a password but ${urlName} has none for user "${user}"`);
  }
  if (/connection timeout|timeout expired|timed out/i.test(message)) {
    return make('timeout', `Timed out connecting to ${where}: is the host right and the port open?`);
  }

  const codes = systemCodesOf(error);
  if (codes.includes('ECONNREFUSED')) {
    return make('refused', `Cannot connect to ${where}: connection refused. Is PostgreSQL running and listening there?`);
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return make('host-not-found', `Cannot connect to ${where}: host "${target.host}" not found. Check the host in ${urlName}`);
  }
  if (codes.includes('ETIMEDOUT')) {
    return make('timeout', `Timed out connecting to ${where}: is the host right and the port open?`);
  }
  if (codes.includes('ENOENT') && target.host.startsWith('/')) {
    return make('refused', `Cannot connect to ${where}: no socket there. Is PostgreSQL running?`);
  }
  const network = codes.find((code) => ['ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EADDRNOTAVAIL', 'EACCES'].includes(code));
  if (network !== undefined || /Connection terminated unexpectedly/i.test(message)) {
    return make('network', `Cannot connect to ${where}: ${network ?? message}`);
  }
  return undefined;
}
