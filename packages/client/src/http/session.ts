import type { Result } from './result.ts';

/** The login session the client holds: what an app persists to stay signed in. */
export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Holds the session and refreshes it at most once at a time: every caller that needs a fresh
 * token while a refresh is under way waits for that one, since a refresh token is single-use
 * (booking-service rotates it, and a rotated token presented again ends the session).
 */
export class SessionHolder {
  private current: Session | null;
  private refreshing: Promise<Result<Session>> | null = null;

  constructor(
    initial: Session | null,
    private readonly exchange: (refreshToken: string) => Promise<Result<Session>>,
    private readonly onChange: (session: Session | null) => void,
  ) {
    this.current = initial;
  }

  get session(): Session | null {
    return this.current;
  }

  set(session: Session | null): void {
    this.current = session;
    this.onChange(session);
  }

  refresh(): Promise<Result<Session>> {
    this.refreshing ??= this.runRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async runRefresh(): Promise<Result<Session>> {
    const refreshToken = this.current?.refreshToken;
    if (refreshToken === undefined) {
      return { ok: false, error: { kind: 'http', status: 401, code: 'NO_SESSION', message: 'Not signed in.' } };
    }
    const result = await this.exchange(refreshToken);
    if (result.ok) this.set(result.data);
    // A refused refresh token ends the session for good (rotated, logged out or expired);
    // a network failure or a busy service does not, and the next call may try again.
    else if (result.error.status === 401) this.set(null);
    return result;
  }
}
