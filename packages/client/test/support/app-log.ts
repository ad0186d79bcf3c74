import type { ServerMessage } from '@rideline/contracts';
import type { SocketClient, SocketState } from '../../src/socket/index.ts';

/** Everything a client let through to the app, in order. */
export interface AppLog {
  readonly messages: ServerMessage[];
  readonly states: SocketState[];
}

export function record<M extends ServerMessage>(client: SocketClient<M>, types: readonly M['type'][]): AppLog {
  const log: AppLog = { messages: [], states: [] };
  for (const type of types) client.on(type, (message) => log.messages.push(message as ServerMessage));
  client.on('state', (state) => log.states.push(state));
  return log;
}
