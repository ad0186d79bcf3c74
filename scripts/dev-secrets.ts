/**
 * Secrets for a local run that booking-service and the gateway must share without a database in
 * common (today the OTP notice key). Generated once per data directory and kept there, so that a
 * restart can still open the notices it sealed before; what the environment sets wins. Never
 * used in production, where every service refuses to start without its keys.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SHARED_SECRET_VARS = ['OTP_NOTICE_KEY'] as const;

export function localSharedSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = path.join(dataDir, 'dev-secrets.json');
  const stored: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of SHARED_SECRET_VARS) {
    if (stored[name] === undefined) {
      stored[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return Object.fromEntries(SHARED_SECRET_VARS.map((name) => [name, env[name] || stored[name]!]));
}
