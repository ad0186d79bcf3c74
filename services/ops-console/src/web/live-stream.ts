import type { OpsMessage } from '@rideline/contracts/ops-messages';

export interface LiveStreamOptions {
  /** `ws://host:port` of the gateway. */
  readonly gatewayUrl: string;
  readonly token: () => string;
  readonly onMessage: (message: OpsMessage) => void;
  /** Connection state for the header: live, reconnecting... */
  readonly onState: (state: 'connecting' | 'live' | 'reconnecting' | 'replaced') => void;
  /**
   * The token was refused (closed with 4001, or the upgrade failed before opening): the page
   * refreshes its session and returns true to reconnect, or false when the session is over.
   */
  readonly onTokenRefused: () => Promise<boolean>;
}

const CLOSE_TOKEN_EXPIRED = 4001;
const CLOSE_REPLACED = 4029;
const MAX_BACKOFF_MS = 10_000;

/**
 * `/ws/ops/live` from the browser: the token goes in the subprotocol pair (`bearer`, token), as
 * browsers cannot set headers on a WebSocket. Reconnects with backoff; every reconnect begins
 * with a fresh snapshot, so nothing is lost while away.
 */
export class LiveStream {
  readonly #options: LiveStreamOptions;
  #socket: WebSocket | null = null;
  #backoffMs = 500;
  #stopped = false;
  /** How long each message took to parse and fold (ms), for the frame-time measurement. */
  readonly handleTimes: number[] = [];

  constructor(options: LiveStreamOptions) {
    this.#options = options;
  }

  connect(): void {
    if (this.#stopped) return;
    this.#options.onState(this.#socket === null ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(`${this.#options.gatewayUrl}/ws/ops/live`, ['bearer', this.#options.token()]);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#backoffMs = 500;
      this.#options.onState('live');
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const started = performance.now();
      this.#handle(event.data);
      this.handleTimes.push(performance.now() - started);
      if (this.handleTimes.length > 10_000) this.handleTimes.splice(0, 5_000);
    };
    socket.onclose = (event) => {
      if (this.#stopped || socket !== this.#socket) return;
      if (event.code === CLOSE_REPLACED) return this.#options.onState('replaced');
      // A refused upgrade (401) reaches a browser only as a close before open.
      if (event.code === CLOSE_TOKEN_EXPIRED || !opened) {
        void this.#options.onTokenRefused().then((again) => (again ? this.#retry() : this.stop()));
        return;
      }
      this.#retry();
    };
  }

  #handle(text: string): void {
    let message: { type?: unknown };
    try {
      message = JSON.parse(text) as { type?: unknown };
    } catch {
      return;
    }
    // Only the type is checked: a full schema check of a 10,000-driver frame four times a second
    // would cost more than drawing it, and the gateway is the contract's own implementation.
    if (message.type === 'ops_snapshot' || message.type === 'ops_update') this.#options.onMessage(message as OpsMessage);
  }

  /** A new token for the open socket (before the old one expires). */
  refreshToken(token: string): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ type: 'refresh', token }));
  }

  stop(): void {
    this.#stopped = true;
    this.#socket?.close();
  }

  #retry(): void {
    this.#options.onState('reconnecting');
    setTimeout(() => this.connect(), this.#backoffMs);
    this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
  }
}
