import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { until, within } from './gateway.ts';

export type Received = Record<string, unknown> & { readonly type?: string };

/** A real `ws` client that records everything it receives and how it was closed. */
export class TestSocket {
  readonly messages: Received[] = [];
  closed: { code: number; reason: string } | null = null;
  /** `Date.now()` when the close was seen. */
  closedAt: number | null = null;
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Received));
    ws.on('close', (code, reason) => {
      this.closedAt = Date.now();
      this.closed = { code, reason: reason.toString() };
    });
    ws.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
      ws.once('error', reject);
    });
    // Refusals are awaited through `refusal()`; an unawaited `opened` must not be an unhandled rejection.
    this.opened.catch(() => {});
  }

  of(type: string): Received[] {
    return this.messages.filter((message) => message.type === type);
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    await until(() => this.messages.length >= count, timeoutMs, `${count} messages (have ${this.messages.length}: ${JSON.stringify(this.messages)})`);
    return this.messages;
  }

  async waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    await until(() => this.closed !== null, timeoutMs, 'close');
    return this.closed!;
  }

  /**
   * Pings the server and resolves once its pong is back (or the socket has closed). The server
   * writes the pong after everything it wrote to this socket before it read the ping, and TCP
   * keeps a socket's bytes in order, so by then every such message (or the close) is here.
   */
  async roundTrip(timeoutMs = 10_000): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const payload = randomUUID();
    const answered = new Promise<void>((resolve) => {
      const done = () => {
        this.ws.off('pong', onPong);
        this.ws.off('close', done);
        resolve();
      };
      const onPong = (data: Buffer) => {
        if (data.toString() === payload) done();
      };
      this.ws.on('pong', onPong);
      this.ws.on('close', done);
    });
    this.ws.ping(payload);
    await within(timeoutMs, 'the pong', answered);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

export interface ConnectOptions {
  readonly token?: string;
  readonly via?: 'header' | 'subprotocol';
  readonly headers?: Record<string, string>;
  readonly protocols?: string[];
}

function socket(url: string, options: ConnectOptions = {}): TestSocket {
  const headers: Record<string, string> = { ...options.headers };
  let protocols = options.protocols;
  if (options.token !== undefined) {
    if (options.via === 'subprotocol') protocols = ['bearer', options.token];
    else headers['authorization'] = `Bearer ${options.token}`;
  }
  return new TestSocket(new WebSocket(url, protocols, { headers, perMessageDeflate: false }));
}

/** Opens a socket and waits for the upgrade. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const client = socket(url, options);
  await client.opened;
  return client;
}

/** The HTTP answer to a refused upgrade: status and parsed body. */
export function refusal(url: string, options: ConnectOptions = {}): Promise<{ status: number; body: unknown; headers: IncomingMessage['headers'] }> {
  const client = socket(url, options);
  return new Promise((resolve, reject) => {
    client.ws.once('open', () => {
      client.close();
      reject(new Error('the upgrade was accepted'));
    });
    client.ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
      });
    });
  });
}
