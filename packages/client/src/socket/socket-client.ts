import { decodeServerMessage, type ClientFrame, type ServerMessage } from '@rideline/contracts/socket-messages';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.ts';
import { systemClock, type Clock } from './clock.ts';
import { closeRule, CLOSE_CODES, type CloseRule, type StopReason } from './close-policy.ts';
import { Emitter, type Unsubscribe } from './emitter.ts';
import { MessageMerge } from './message-merge.ts';
import { refreshDueAt, tokenExpiresAt } from './token-expiry.ts';
import { globalWebSocket, OPEN, type WebSocketConstructor, type WebSocketLike } from './web-socket.ts';

/** Returns an access token, or null when there is none (logged out). May be async. */
export type TokenSource = () => string | null | Promise<string | null>;

export interface SocketClientOptions {
  /** The gateway's base URL, `wss://rt.example.com`; `https://` is turned into `wss://`. */
  readonly url: string;
  /** The current access token; called before every connection. */
  readonly getToken: TokenSource;
  /**
   * A new access token (the app calls `POST /auth/refresh`); called ahead of expiry and on
   * 4001. Without it, `getToken` is called and must then return a new token. A token counts
   * as fresh when it is not null, differs from the one it replaces and is not expired.
   */
  readonly refreshToken?: TokenSource;
  /** Defaults to the global `WebSocket`; in Node 20 pass `ws`'s. */
  readonly WebSocket?: WebSocketConstructor;
  /**
   * `subprotocol` (default): `bearer, <token>`, which every implementation can send.
   * `header`: `Authorization: Bearer`, for implementations that accept headers (`ws`, React
   * Native); it keeps the token out of the subprotocol header that proxies may log.
   */
  readonly auth?: 'subprotocol' | 'header';
  readonly backoff?: Partial<BackoffSettings>;
  /** A connection open this long resets the back-off. Default 10 s. */
  readonly stableAfterMs?: number;
  /** Ask for the next token this long before `exp` (at the latest halfway through its remaining life). Default 60 s. */
  readonly refreshAheadMs?: number;
  /** Stops the client for good when it fires. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** [0, 1): the back-off's jitter. */
  readonly random?: () => number;
  /** Bookings the de-duplication remembers. Default 1,000. */
  readonly mergeCapacity?: number;
}

export type SocketState =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open' }
  /** `action` is what follows, from the close policy (close-policy.ts). */
  | { readonly state: 'closed'; readonly code: number; readonly reason: string; readonly action: CloseRule['action'] }
  | { readonly state: 'stopped'; readonly reason: StopReason; readonly code: number | null };

export type SocketWarning =
  /** Not JSON, not in the contract, or not a type this endpoint sends: reported, never acted on. */
  | { readonly kind: 'invalid_message'; readonly data: unknown }
  /** `getToken` or `refreshToken` threw or rejected; the client retries later. */
  | { readonly kind: 'token_error'; readonly error: unknown }
  /** The WebSocket implementation threw when constructed (a malformed URL, say); retried after the back-off. */
  | { readonly kind: 'connect_error'; readonly error: unknown };

/** Events of every client, whatever its endpoint. */
export interface LifecycleEvents {
  readonly state: SocketState;
  readonly warning: SocketWarning;
}

export type MessageEvents<M extends ServerMessage> = { readonly [K in M['type']]: Extract<M, { readonly type: K }> };

export type SocketEvents<M extends ServerMessage> = MessageEvents<M> & LifecycleEvents;

export interface Stopped {
  readonly reason: StopReason;
  readonly code: number | null;
}

/** The shortest wait before retrying a refresh that failed, so failures near `exp` do not spin. */
const MIN_REFRESH_RETRY_MS = 1_000;
const NORMAL_CLOSURE = 1000;

/** `undefined`: the token source failed (try again later); null: it has no fresh token. */
type FreshToken = string | null | undefined;

/**
 * One endpoint's socket, kept open across drops until the close policy or the app stops it.
 * Connects on creation (in a microtask, so listeners registered right away see everything).
 */
export class SocketClient<M extends ServerMessage> {
  readonly #events = new Emitter<SocketEvents<M>>();
  /**
   * The same emitter seen with the lifecycle events only: TypeScript cannot tell that a generic
   * M's message types never include `state` or `warning` (they are fixed by the contract).
   */
  readonly #lifecycle = this.#events as unknown as Emitter<LifecycleEvents>;
  readonly #merge: MessageMerge;
  readonly #url: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #backoff: BackoffSettings;
  readonly #clock: Clock;
  /** Resolves when the client stops for good. */
  readonly stopped: Promise<Stopped>;
  #resolveStopped!: (value: Stopped) => void;
  #socket: WebSocketLike | null = null;
  #token: string | null = null;
  #attempt = 0;
  #state: SocketState['state'] = 'connecting';
  #stopReason: StopReason | null = null;
  /** Bumped per connection: events of an older socket are ignored. */
  #generation = 0;
  #reconnectTimer: unknown = null;
  #refreshTimer: unknown = null;
  #stableTimer: unknown = null;

  constructor(
    path: string,
    private readonly accepts: ReadonlySet<M['type']>,
    private readonly options: SocketClientOptions,
  ) {
    const WebSocketImpl = options.WebSocket ?? globalWebSocket();
    if (!WebSocketImpl) throw new TypeError('No WebSocket implementation: pass `WebSocket` (in Node 20, the `ws` package).');
    this.#WebSocket = WebSocketImpl;
    this.#url = `${options.url.replace(/^http/, 'ws').replace(/\/+$/, '')}${path}`;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#clock = options.clock ?? systemClock;
    this.#merge = new MessageMerge(options.mergeCapacity);
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    options.signal?.addEventListener('abort', () => this.#stop('aborted', null), { once: true });
    queueMicrotask(() => (options.signal?.aborted ? this.#stop('aborted', null) : void this.#connect(null)));
  }

  /** `client.on('booking_status', (m) => …)`, `client.on('state', (s) => …)`; returns an unsubscribe. */
  on<K extends keyof SocketEvents<M>>(type: K, listener: (value: SocketEvents<M>[K]) => void): Unsubscribe {
    return this.#events.on(type, listener);
  }

  get state(): SocketState['state'] {
    return this.#state;
  }

  /** Closes the socket (1000) and stops reconnecting. */
  close(): void {
    this.#stop('closed', null);
  }

  /** Sends a frame when the socket is open; false when it is not (nothing is queued). */
  protected sendFrame(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || this.#state !== 'open') return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** Called on every open; subclasses flush what waited for the socket. */
  protected onOpen(): void {}

  /** Called once when the client stops. */
  protected onStop(): void {}

  async #connect(tokenOverride: string | null): Promise<void> {
    if (this.#stopReason) return;
    const generation = ++this.#generation;
    this.#setState({ state: 'connecting', attempt: this.#attempt });
    let token = tokenOverride;
    if (token === null) {
      const current = await this.#callTokenSource(this.options.getToken);
      if (generation !== this.#generation) return;
      if (current === undefined) return this.#scheduleReconnect(null);
      if (current === null) return this.#stop('unauthorized', null);
      token = current;
      // An expired token would only be refused at the upgrade (which a browser cannot tell from
      // a network error): renew it first.
      if (this.#isExpired(token)) {
        const fresh = await this.#freshToken(token);
        if (generation !== this.#generation) return;
        if (fresh === undefined) return this.#scheduleReconnect(null);
        if (fresh === null) return this.#stop('unauthorized', null);
        token = fresh;
      }
    }
    this.#token = token;
    const header = this.options.auth === 'header';
    let socket: WebSocketLike;
    try {
      socket = header
        ? new this.#WebSocket(this.#url, undefined, { headers: { authorization: `Bearer ${token}` } })
        : new this.#WebSocket(this.#url, ['bearer', token]);
    } catch (error) {
      this.#lifecycle.emit('warning', { kind: 'connect_error', error });
      return this.#scheduleReconnect(null);
    }
    this.#socket = socket;
    socket.addEventListener('open', () => generation === this.#generation && this.#opened(generation));
    socket.addEventListener('message', (event) => generation === this.#generation && this.#receive(event.data));
    socket.addEventListener('close', (event) => generation === this.#generation && this.#closed(event.code, event.reason));
    // An error is always followed by a close, which decides what happens.
    socket.addEventListener('error', () => {});
  }

  #opened(generation: number): void {
    this.#setState({ state: 'open' });
    this.#stableTimer = this.#clock.setTimeout(() => (this.#attempt = 0), this.options.stableAfterMs ?? 10_000);
    this.#scheduleRefresh(generation);
    this.onOpen();
  }

  #receive(data: unknown): void {
    const message = typeof data === 'string' ? decodeServerMessage(data) : null;
    if (message === null || !this.accepts.has(message.type)) {
      this.#lifecycle.emit('warning', { kind: 'invalid_message', data });
      return;
    }
    if (!this.#merge.admit(message)) return;
    // `accepts` holds only M's types, so the message is one of M.
    this.#events.emit(message.type as M['type'], message as SocketEvents<M>[M['type']]);
  }

  #closed(code: number, reason: string): void {
    this.#socket = null;
    this.#clearConnectionTimers();
    if (this.#stopReason) return;
    const rule = closeRule(code);
    this.#setState({ state: 'closed', code, reason, action: rule.action });
    switch (rule.action) {
      case 'stop':
        this.#stop(rule.reason, code);
        break;
      case 'reconnect':
        this.#scheduleReconnect(null);
        break;
      case 'reauthenticate':
        void this.#reauthenticate();
        break;
    }
  }

  async #reauthenticate(): Promise<void> {
    const generation = this.#generation;
    const fresh = await this.#freshToken(this.#token);
    if (generation !== this.#generation || this.#stopReason) return;
    if (fresh === null) return this.#stop('unauthorized', CLOSE_CODES.unauthorized);
    this.#scheduleReconnect(fresh ?? null);
  }

  #scheduleReconnect(token: string | null): void {
    if (this.#stopReason) return;
    const delay = backoffDelay(this.#attempt++, this.#backoff, this.options.random);
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#connect(token);
    }, delay);
  }

  #scheduleRefresh(generation: number, minDelayMs = 0): void {
    const expiresAt = this.#token === null ? null : tokenExpiresAt(this.#token);
    if (expiresAt === null) return;
    const now = this.#clock.now();
    const delay = Math.max(minDelayMs, refreshDueAt(expiresAt, now, this.options.refreshAheadMs ?? 60_000) - now);
    this.#refreshTimer = this.#clock.setTimeout(() => {
      this.#refreshTimer = null;
      void this.#refreshInBand(generation);
    }, delay);
  }

  /** Sends `{"type":"refresh"}` with a new token; the gateway answers only a refusal. */
  async #refreshInBand(generation: number): Promise<void> {
    const fresh = await this.#freshToken(this.#token);
    if (generation !== this.#generation || this.#state !== 'open') return;
    // No fresh token: the gateway closes with 4001 at `exp` and the close policy takes over.
    if (fresh === null) return;
    if (fresh === undefined) return this.#scheduleRefresh(generation, MIN_REFRESH_RETRY_MS);
    if (!this.sendFrame({ type: 'refresh', token: fresh })) return;
    this.#token = fresh;
    this.#scheduleRefresh(generation);
  }

  async #freshToken(previous: string | null): Promise<FreshToken> {
    const token = await this.#callTokenSource(this.options.refreshToken ?? this.options.getToken);
    if (token === undefined) return undefined;
    return token === null || token === previous || this.#isExpired(token) ? null : token;
  }

  async #callTokenSource(source: TokenSource): Promise<string | null | undefined> {
    try {
      return await source();
    } catch (error) {
      this.#lifecycle.emit('warning', { kind: 'token_error', error });
      return undefined;
    }
  }

  #isExpired(token: string): boolean {
    const expiresAt = tokenExpiresAt(token);
    return expiresAt !== null && expiresAt <= this.#clock.now();
  }

  #stop(reason: StopReason, code: number | null): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#generation++;
    this.#clearConnectionTimers();
    if (this.#reconnectTimer !== null) this.#clock.clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#socket = null;
    if (socket && socket.readyState <= OPEN) socket.close(NORMAL_CLOSURE);
    this.onStop();
    this.#setState({ state: 'stopped', reason, code });
    this.#resolveStopped({ reason, code });
  }

  #clearConnectionTimers(): void {
    if (this.#refreshTimer !== null) this.#clock.clearTimeout(this.#refreshTimer);
    if (this.#stableTimer !== null) this.#clock.clearTimeout(this.#stableTimer);
    this.#refreshTimer = this.#stableTimer = null;
  }

  #setState(state: SocketState): void {
    this.#state = state.state;
    this.#lifecycle.emit('state', state);
  }
}
