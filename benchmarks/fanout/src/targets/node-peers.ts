/** The two Node peers: a bare `ws` broadcast server and Socket.IO, each in its own process. */
import { resolve } from 'node:path';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { availableBookingMessage, PublishErrors, type SocketSpec } from '../common.ts';
import { freePort, startProcess, waitForPort, type ServerProcess } from '../proc.ts';
import type { StartResult, Target, TargetParams } from './target.ts';

const PACKAGE_DIR = resolve(import.meta.dirname, '../..');

async function startNodeServer(script: string): Promise<{ server: ServerProcess; port: number }> {
  const port = await freePort();
  const server = startProcess(process.execPath, ['--conditions=development', '--import', 'tsx', script], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
  });
  try {
    await waitForPort(port, 20_000, () => !server.exited());
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${server.output()}`);
  }
  return { server, port };
}

function socketSpecs(base: string, params: TargetParams): SocketSpec[] {
  return Array.from({ length: params.connections }, (_, i) => ({ url: i < params.fanout ? `${base}?join=1` : base }));
}

export const wsTarget: Target = {
  id: 'ws',
  label: 'bare ws broadcast (Node floor)',
  publishPath: 'a text frame on a control WebSocket (`/publish`); the server loops over its member set calling `ws.send`',
  async start(params: TargetParams): Promise<StartResult> {
    const { server, port } = await startNodeServer('src/servers/ws-server.ts');
    const control = new WebSocket(`ws://127.0.0.1:${port}/publish`, { perMessageDeflate: false });
    const publishErrors = new PublishErrors();
    control.on('error', (error) => publishErrors.note(error.message));
    await new Promise<void>((resolveOpen, reject) => {
      control.once('open', () => resolveOpen());
      control.once('error', reject);
    });
    return {
      ok: true,
      target: {
        pid: server.pid,
        protocol: 'ws',
        sockets: socketSpecs(`ws://127.0.0.1:${port}/`, params),
        publish(seq) {
          control.send(availableBookingMessage(seq));
        },
        takePublishError: () => publishErrors.take(),
        output: () => server.output(),
        async stop() {
          control.terminate();
          await server.stop();
        },
      },
    };
  },
};

export const socketIoTarget: Target = {
  id: 'socketio',
  label: 'Socket.IO (room broadcast)',
  publishPath: 'a `publish` event from a publisher socket; the server does `io.to(room).emit(...)`',
  async start(params: TargetParams): Promise<StartResult> {
    const { server, port } = await startNodeServer('src/servers/socketio-server.ts');
    const publisher = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      query: { role: 'publisher' },
    });
    const publishErrors = new PublishErrors();
    await new Promise<void>((resolveOpen, reject) => {
      publisher.once('connect', () => resolveOpen());
      publisher.once('connect_error', reject);
    });
    publisher.on('disconnect', (reason) => publishErrors.note(`publisher disconnected: ${reason}`));
    return {
      ok: true,
      target: {
        pid: server.pid,
        protocol: 'socket.io',
        sockets: socketSpecs(`http://127.0.0.1:${port}/socket.io/`, params),
        publish(seq) {
          publisher.emit('publish', JSON.parse(availableBookingMessage(seq)));
        },
        takePublishError: () => publishErrors.take(),
        output: () => server.output(),
        async stop() {
          publisher.close();
          await server.stop();
        },
      },
    };
  },
};
