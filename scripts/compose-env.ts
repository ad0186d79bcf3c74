/**
 * `pnpm compose:env`: writes `.env` for docker-compose with fresh secrets: PostgreSQL's
 * password, one Kafka (SASL/SCRAM) password per service and one for the Kafka UI, Grafana's
 * admin password, the JWT signing key, the OTP secret and the OTP notice key. The services run
 * with NODE_ENV=production there, so they refuse to start without them. An existing `.env` is
 * never overwritten (its secrets may already be in use).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@rideline/dev-infra';

const target = path.resolve(REPO_ROOT, process.argv[2] ?? '.env');
if (existsSync(target)) {
  process.stderr.write(`${target} exists; not overwriting it (delete it first to start afresh)\n`);
  process.exit(1);
}
const secret = () => randomBytes(32).toString('base64url');
const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim();

const lines = [
  '# Secrets for docker-compose, written by `pnpm compose:env`. Keep this file private (it is gitignored).',
  `POSTGRES_PASSWORD=${secret()}`,
  `KAFKA_BOOKING_PASSWORD=${secret()}`,
  `KAFKA_DISPATCH_PASSWORD=${secret()}`,
  `KAFKA_GATEWAY_PASSWORD=${secret()}`,
  // The Kafka UI's SCRAM user and Grafana's admin: the `observability` profile.
  `KAFKA_UI_PASSWORD=${secret()}`,
  `GRAFANA_ADMIN_PASSWORD=${secret()}`,
  // Single-quoted: compose keeps the literal \n, which booking-service reads as line breaks.
  `JWT_PRIVATE_KEY='${pem.replaceAll('\n', '\\n')}'`,
  `OTP_SECRET=${secret()}`,
  `OTP_NOTICE_KEY=${secret()}`,
  '# The origins of the web app that calls the API from a browser (comma-separated); not a secret, edit it.',
  'CORS_ALLOWED_ORIGINS=http://localhost:5173',
];
writeFileSync(target, `${lines.join('\n')}\n`, { mode: 0o600 });
process.stdout.write(`wrote ${target}\n`);
