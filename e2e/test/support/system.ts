import { afterAll, beforeAll } from 'vitest';
import type { Inbox } from '../../src/client.ts';
import { RunningSystem } from '../../src/system.ts';

/** What an e2e file runs against: available inside its tests and hooks. */
export interface SystemHarness {
  readonly system: RunningSystem;
  readonly booking: string;
  readonly dispatch: string;
  readonly gateway: string;
  /** The HTTP services' URLs, as registerUser and registerDriver take them. */
  readonly urls: { readonly booking: string; readonly dispatch: string };
  /** Sockets closed after the file. */
  readonly inboxes: Inbox[];
}

/**
 * RunningSystem.start(env) as `beforeAll` of the calling file (3 minutes at most), stopped in its
 * `afterAll` after the inboxes it kept are closed.
 */
export function useRunningSystem(env: Record<string, string> = {}): SystemHarness {
  let system: RunningSystem | undefined;
  const inboxes: Inbox[] = [];
  beforeAll(async () => {
    system = await RunningSystem.start(env);
  }, 180_000);
  afterAll(async () => {
    for (const inbox of inboxes) inbox.close();
    await system?.stop();
  });
  const running = (): RunningSystem => {
    if (system === undefined) throw new Error('the system has not started (used outside a test?)');
    return system;
  };
  return {
    get system() {
      return running();
    },
    get booking() {
      return running().url('booking-service');
    },
    get dispatch() {
      return running().url('dispatch-service');
    },
    get gateway() {
      return running().url('realtime-gateway');
    },
    get urls() {
      return { booking: running().url('booking-service'), dispatch: running().url('dispatch-service') };
    },
    inboxes,
  };
}
