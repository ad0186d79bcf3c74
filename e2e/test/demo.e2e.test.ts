/**
 * `pnpm demo`, an app built on the client kit, run as the README says (the same command the
 * root `demo` script runs) against the three services as processes: short and small, but whole
 * rides, and it must end with rides completed and no error (a message outside the contract, a
 * refused call other than a lost race, a missing OTP all count as errors).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunningSystem } from '../src/system.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let system: RunningSystem;

beforeAll(async () => {
  system = await RunningSystem.start();
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

it('plays whole rides through @rideline/client and ends with rides completed and no error', { timeout: 120_000 }, async () => {
  const args = [
    ...['--conditions=development', '--import', 'tsx', 'packages/demo/src/main.ts'],
    ...['--riders', '3', '--drivers', '4', '--duration', '8', '--radius', '1'],
    ...['--booking', system.url('booking-service'), '--dispatch', system.url('dispatch-service'), '--gateway', system.url('realtime-gateway')],
  ];
  // NODE_OPTIONS emptied: the test runner's own loader settings are not the demo's.
  const demo = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  demo.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
  const count = (name: string) => Number(new RegExp(`^ {2}${name} +(\\d+)$`, 'm').exec(output)?.[1] ?? Number.NaN);
  expect(code, output).toBe(0);
  expect(count('completed'), output).toBeGreaterThan(0);
  expect(count('errors'), output).toBe(0);
  expect(output).not.toContain('First errors:');
});
