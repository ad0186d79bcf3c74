import { Counter, Gauge, type Registry } from 'prom-client';
import type { HashingGate } from './hashing-gate.ts';

/** What an operator watches during a flood: hashing slots in use, waiters, refusals. */
export function registerIdentityMetrics(registry: Registry, gate: HashingGate): { throttled: Counter } {
  new Gauge({
    name: 'password_hash_running',
    help: 'Password hashes being computed',
    registers: [registry],
    collect() {
      this.set(gate.running);
    },
  });
  new Gauge({
    name: 'password_hash_queued',
    help: 'Logins and registrations waiting for a hashing slot',
    registers: [registry],
    collect() {
      this.set(gate.queued);
    },
  });
  new Gauge({
    name: 'password_hash_shed',
    help: 'Logins and registrations refused with 503 since start: no hashing slot in time',
    registers: [registry],
    collect() {
      this.set(gate.shed);
    },
  });
  const throttled = new Counter({ name: 'login_throttled_total', help: 'Logins refused with 429 (account or address locked)', registers: [registry] });
  return { throttled };
}
