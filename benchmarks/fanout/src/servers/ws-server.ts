/**
 * The floor for Node: a bare `ws` broadcast server, written the way ws's README broadcasts.
 * Clients connect to `/?join=1` (members of the broadcast set) or `/` (idle); whatever arrives on
 * the control socket at `/publish` is sent, as is, to every member.
 */
import { WebSocket, WebSocketServer } from 'ws';

const port = Number(process.env['PORT']);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set');

const members = new Set<WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws, req) => {
  const url = req.url ?? '/';
  ws.on('error', () => {});
  if (url.startsWith('/publish')) {
    ws.on('message', (data, isBinary) => {
      for (const member of members) {
        if (member.readyState === WebSocket.OPEN) member.send(data, { binary: isBinary });
      }
    });
    return;
  }
  if (url.includes('join=1')) {
    members.add(ws);
    ws.on('close', () => members.delete(ws));
  }
});
wss.on('listening', () => console.log(`ws broadcast server on 127.0.0.1:${port}`));

const stop = () => wss.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
