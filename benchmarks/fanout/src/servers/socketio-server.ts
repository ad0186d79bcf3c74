/**
 * Socket.IO doing the same broadcast: members join the room `bench` (query `join=1`); an event
 * `publish` from the publisher socket (query `role=publisher`) is emitted to the room as
 * `available_booking`. WebSocket transport only, no compression, like the other targets.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env['PORT']);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set');

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
});

io.on('connection', (socket) => {
  const query = socket.handshake.query;
  if (query['role'] === 'publisher') {
    socket.on('publish', (message: unknown) => {
      io.to('bench').emit('available_booking', message);
    });
    return;
  }
  if (query['join'] === '1') void socket.join('bench');
});

http.listen(port, '127.0.0.1', () => console.log(`socket.io server on 127.0.0.1:${port}`));

const stop = () => {
  void io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
