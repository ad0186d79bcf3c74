import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether an HTTP request is a WebSocket opening handshake `ws` can complete (RFC 6455 §4.2.1).
 * Checked before the token, so that a request that could never be upgraded gets the spec's 400
 * rather than `ws`'s own plain-text answer.
 */
export function isWellFormedUpgrade(method: string, isUpgrade: boolean, headers: IncomingHttpHeaders): boolean {
  if (method !== 'GET' || !isUpgrade) return false;
  if (headers.upgrade?.toLowerCase() !== 'websocket') return false;
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key)) return false;
  return headers['sec-websocket-version'] === '13';
}

export type Credentials =
  | { readonly kind: 'token'; readonly token: string; readonly via: 'header' | 'subprotocol' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ambiguous' };

const BEARER_HEADER = /^Bearer[ \t]+([^\s,]+)[ \t]*$/i;

/**
 * The access token of an upgrade: `Authorization: Bearer <token>` (the spec), or, for browsers
 * that cannot set headers, the subprotocol pair `Sec-WebSocket-Protocol: bearer, <token>`
 * (API.md). Both at once is refused as ambiguous rather than guessing which one counts.
 */
export function credentialsOf(headers: IncomingHttpHeaders): Credentials {
  const authorization = headers.authorization;
  const fromHeader = authorization === undefined ? undefined : BEARER_HEADER.exec(authorization)?.[1];
  const fromProtocol = bearerSubprotocolToken(headers['sec-websocket-protocol']);
  if (authorization !== undefined && fromProtocol !== undefined) return { kind: 'ambiguous' };
  if (fromHeader !== undefined) return { kind: 'token', token: fromHeader, via: 'header' };
  if (fromProtocol !== undefined) return { kind: 'token', token: fromProtocol, via: 'subprotocol' };
  return { kind: 'missing' };
}

/** `bearer, <token>` in a Sec-WebSocket-Protocol list: the entry after `bearer`. */
export function bearerSubprotocolToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const protocols = header.split(',').map((protocol) => protocol.trim());
  const at = protocols.indexOf('bearer');
  if (at === -1) return undefined;
  const token = protocols[at + 1];
  return token !== undefined && token !== '' ? token : undefined;
}
