import WebSocket from 'ws';

/**
 * `ws`'s WebSocket (Node 20 has no global one), recording what each socket received and sent,
 * so a test can tell what the gateway wrote from what the client let through to the app.
 */
export class RecordingWebSocket extends WebSocket {
  static readonly instances: RecordingWebSocket[] = [];
  readonly received: string[] = [];
  readonly sent: string[] = [];

  constructor(address: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(address, protocols, { ...options, perMessageDeflate: false });
    RecordingWebSocket.instances.push(this);
    this.on('message', (data) => this.received.push(data.toString()));
  }

  override send(data: string): void {
    this.sent.push(data);
    super.send(data);
  }

  static last(): RecordingWebSocket {
    const last = RecordingWebSocket.instances.at(-1);
    if (!last) throw new Error('no socket yet');
    return last;
  }
}
