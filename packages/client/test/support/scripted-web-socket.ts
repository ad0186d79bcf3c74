import type { WebSocketCloseEventLike, WebSocketInit, WebSocketLike, WebSocketMessageEventLike } from '../../src/socket/index.ts';

type Listener = (event: never) => void;

/**
 * An in-memory WebSocket for the client's unit tests: the test plays the server (open,
 * message, close) and reads what the client sent. Integration tests use the real gateway.
 */
export class ScriptedWebSocket implements WebSocketLike {
  static instances: ScriptedWebSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  closedByClient: number | null = null;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
    readonly init?: WebSocketInit,
  ) {
    ScriptedWebSocket.instances.push(this);
  }

  static reset(): void {
    ScriptedWebSocket.instances = [];
  }

  static last(): ScriptedWebSocket {
    const last = ScriptedWebSocket.instances.at(-1);
    if (!last) throw new Error('no socket yet');
    return last;
  }

  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: WebSocketMessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: WebSocketCloseEventLike) => void): void;
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.closedByClient = code;
    this.readyState = 3;
  }

  // The server's side.
  open(): void {
    this.readyState = 1;
    this.#fire('open', {});
  }

  message(value: unknown): void {
    this.#fire('message', { data: typeof value === 'string' ? value : JSON.stringify(value) });
  }

  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.#fire('close', { code, reason });
  }

  #fire(type: string, event: object): void {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (event: object) => void)(event);
  }
}
