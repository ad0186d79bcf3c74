/**
 * The part of a WebSocket implementation the socket clients use: the WHATWG API that browsers,
 * React Native, Node 22+ (global `WebSocket`) and the `ws` package all offer. It is injected
 * rather than imported so this package never pulls a Node module into a browser bundle.
 */
export interface WebSocketMessageEventLike {
  /** A text frame is a string; a binary frame arrives as something else. */
  readonly data: unknown;
}

export interface WebSocketCloseEventLike {
  readonly code: number;
  readonly reason: string;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: WebSocketMessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: WebSocketCloseEventLike) => void): void;
}

/** Options only some implementations accept (`ws`, React Native): browsers ignore them. */
export interface WebSocketInit {
  readonly headers?: Record<string, string>;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[], init?: WebSocketInit) => WebSocketLike;

/** `WebSocket.OPEN` in every implementation. */
export const OPEN = 1;

/** The global `WebSocket`, where there is one (browsers, React Native, Node 22+). */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
