import createClient from 'openapi-fetch';
import type {
  Booking,
  BookingList,
  BookingPaths,
  BookingQuery,
  Credentials,
  DispatchPaths,
  DriverLocation,
  DriverLogin,
  DriverRegistration,
  DriverSession,
  NearbyDrivers,
  NearbyQuery,
  NewBooking,
  RiderLogin,
  RiderRegistration,
  RiderSession,
} from './api-types.ts';
import { httpFailure, networkFailure, success, type Result } from './result.ts';
import { SessionHolder, type Session } from './session.ts';

export interface RidelineClientOptions {
  /** booking-service's base URL (identity and bookings), e.g. `https://api.example.com/booking`. */
  readonly bookingUrl: string;
  /** dispatch-service's base URL (drivers). */
  readonly dispatchUrl: string;
  /** A session persisted earlier, to start signed in. */
  readonly session?: Session | null;
  /** Hears every new session (login, refresh) and `null` when it ends, to persist it. */
  readonly onSessionChange?: (session: Session | null) => void;
  /** Defaults to the global `fetch` (browsers, React Native, Node 18+). */
  readonly fetch?: typeof globalThis.fetch;
}

/** What openapi-fetch answers: data on success, the parsed body as error otherwise. */
type Answer<D> = { data?: D; error?: unknown; response: Response };
type Authorized = { headers: { authorization: string } };

/** The Rideline HTTP API for a rider or driver app: every call answers a {@link Result}. */
export type RidelineClient = ReturnType<typeof createRidelineClient>;

export function createRidelineClient(options: RidelineClientOptions) {
  // Resolved at call time, so a test or an app may replace globalThis.fetch after creating the client.
  const fetchImpl = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const booking = createClient<BookingPaths>({ baseUrl: options.bookingUrl, fetch: fetchImpl });
  const dispatch = createClient<DispatchPaths>({ baseUrl: options.dispatchUrl, fetch: fetchImpl });

  async function settle<D>(send: () => Promise<Answer<D>>): Promise<Result<D>> {
    let answer: Answer<D>;
    try {
      answer = await send();
    } catch (cause) {
      return networkFailure(cause);
    }
    // openapi-fetch leaves `data` undefined for an empty (204) answer.
    return answer.response.ok ? success(answer.data as D) : httpFailure(answer.response, answer.error);
  }

  const holder = new SessionHolder(
    options.session ?? null,
    async (refreshToken) => {
      const result = await settle(() => booking.POST('/auth/refresh', { body: { refresh_token: refreshToken } }));
      return result.ok ? success({ accessToken: result.data.access_token, refreshToken: result.data.refresh_token }) : result;
    },
    options.onSessionChange ?? (() => {}),
  );

  const notSignedIn: Result<never> = { ok: false, error: { kind: 'http', status: 401, code: 'NO_SESSION', message: 'Not signed in.' } };

  /**
   * Sends with the current access token; on 401 refreshes once (shared with concurrent calls)
   * and sends again. A token already replaced by another call's refresh is not refreshed again.
   */
  async function authorized<D>(send: (auth: Authorized) => Promise<Answer<D>>): Promise<Result<D>> {
    const token = holder.session?.accessToken;
    if (token === undefined) return notSignedIn;
    const first = await settle(() => send({ headers: { authorization: `Bearer ${token}` } }));
    if (first.ok || first.error.status !== 401) return first;
    const latest = holder.session?.accessToken;
    const fresh = latest !== undefined && latest !== token ? latest : await refreshedToken();
    if (fresh === null) return first;
    return settle(() => send({ headers: { authorization: `Bearer ${fresh}` } }));
  }

  async function refreshedToken(): Promise<string | null> {
    const result = await holder.refresh();
    return result.ok ? result.data.accessToken : null;
  }

  async function signIn<D extends { access_token: string; refresh_token: string }>(send: () => Promise<Answer<D>>): Promise<Result<D>> {
    const result = await settle(send);
    if (result.ok) holder.set({ accessToken: result.data.access_token, refreshToken: result.data.refresh_token });
    return result;
  }

  return {
    /** The current access token, for the socket clients (`getToken: () => client.getToken()`). */
    getToken: (): string | null => holder.session?.accessToken ?? null,
    getSession: (): Session | null => holder.session,
    /** Replaces the session, e.g. one restored from storage. */
    setSession: (session: Session | null): void => holder.set(session),
    /** Exchanges the refresh token now; concurrent callers share one exchange. */
    refresh: (): Promise<Result<Session>> => holder.refresh(),

    auth: {
      registerRider: (body: RiderRegistration): Promise<Result<RiderSession>> => signIn(() => booking.POST('/auth/users/register', { body })),
      registerDriver: (body: DriverRegistration): Promise<Result<DriverSession>> => signIn(() => booking.POST('/auth/drivers/register', { body })),
      loginRider: (body: Credentials): Promise<Result<RiderLogin>> => signIn(() => booking.POST('/auth/users/login', { body })),
      loginDriver: (body: Credentials): Promise<Result<DriverLogin>> => signIn(() => booking.POST('/auth/drivers/login', { body })),
      /** Ends the session on the server (every device's token of it) and forgets it here. */
      async logout(): Promise<Result<void>> {
        const refreshToken = holder.session?.refreshToken;
        if (refreshToken === undefined) return success(undefined);
        const result = await settle(() => booking.POST('/auth/logout', { body: { refresh_token: refreshToken } }));
        if (result.ok) holder.set(null);
        return result.ok ? success(undefined) : result;
      },
    },

    bookings: {
      create: (body: NewBooking): Promise<Result<Booking>> => authorized((auth) => booking.POST('/bookings', { ...auth, body })),
      get: (id: string): Promise<Result<Booking>> => authorized((auth) => booking.GET('/bookings/{id}', { ...auth, params: { path: { id } } })),
      list: (query: BookingQuery = {}): Promise<Result<BookingList>> => authorized((auth) => booking.GET('/bookings', { ...auth, params: { query } })),
      accept: (id: string): Promise<Result<Booking>> => authorized((auth) => booking.POST('/bookings/{id}/accept', { ...auth, params: { path: { id } } })),
      start: (id: string, otp: string): Promise<Result<Booking>> =>
        authorized((auth) => booking.POST('/bookings/{id}/start', { ...auth, params: { path: { id } }, body: { otp } })),
      complete: (id: string): Promise<Result<Booking>> => authorized((auth) => booking.POST('/bookings/{id}/complete', { ...auth, params: { path: { id } } })),
      cancel: (id: string, reason?: string): Promise<Result<Booking>> =>
        authorized((auth) => booking.POST('/bookings/{id}/cancel', { ...auth, params: { path: { id } }, body: reason === undefined ? {} : { reason } })),
    },

    drivers: {
      setLocation: (location: DriverLocation): Promise<Result<void>> =>
        authorized((auth) => dispatch.PUT('/drivers/me/location', { ...auth, body: location })) as Promise<Result<void>>,
      setAvailability: (available: boolean): Promise<Result<void>> =>
        authorized((auth) => dispatch.PUT('/drivers/me/availability', { ...auth, body: { available } })) as Promise<Result<void>>,
      nearby: (query: NearbyQuery): Promise<Result<NearbyDrivers>> => authorized((auth) => dispatch.GET('/drivers/nearby', { ...auth, params: { query } })),
    },
  };
}
