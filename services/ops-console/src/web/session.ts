/** The operator's login session, kept for this tab only (sessionStorage): tokens never outlive it. */
export interface Session {
  readonly email: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
}

const KEY = 'rideline.ops.session';

interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

const fromPair = (email: string, pair: TokenPair): Session => ({
  email,
  accessToken: pair.access_token,
  refreshToken: pair.refresh_token,
  expiresAt: Date.now() + pair.expires_in * 1000,
});

export function storedSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (text === null) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

const store = (session: Session | null): void => {
  if (session === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(session));
};

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Logs in; the error message to show when it fails. */
export async function logIn(email: string, password: string): Promise<{ ok: true; session: Session } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await post('/api/login', { email, password });
  } catch {
    return { ok: false, message: 'The console cannot be reached.' };
  }
  const body = (await response.json().catch(() => ({}))) as Partial<TokenPair> & { message?: string };
  if (!response.ok) return { ok: false, message: body.message ?? `Login failed (HTTP ${response.status}).` };
  const session = fromPair(email, body as TokenPair);
  store(session);
  return { ok: true, session };
}

/**
 * A new token pair for the same session, or null when the session is over (expired, logged out:
 * booking-service refused the refresh token). While booking-service cannot answer, the same session.
 */
export async function refresh(session: Session): Promise<Session | null> {
  const response = await post('/api/refresh', { refresh_token: session.refreshToken }).catch(() => null);
  // Unreachable or unavailable (503): the session may well be alive; keep it and try later.
  if (response === null || response.status >= 500) return session;
  if (!response.ok) {
    store(null);
    return null;
  }
  const next = fromPair(session.email, (await response.json()) as TokenPair);
  store(next);
  return next;
}

export async function logOut(session: Session): Promise<void> {
  store(null);
  await post('/api/logout', { refresh_token: session.refreshToken }).catch(() => undefined);
}
