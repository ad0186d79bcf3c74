/**
 * docker-compose's deployment shape (issue 11, "Deployment"), read from the files themselves: no
 * Docker engine runs where this is built, so the compose file cannot be brought up here, and these
 * checks are what stops an edit from publishing PostgreSQL or Kafka again, dropping SASL, sharing
 * one Kafka user between services or hard-coding a secret. (That the SCRAM listener itself works
 * with our clients is packages/kafka/test/sasl.int.test.ts, on a real broker.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './exported-metrics.ts';

interface ComposeService {
  readonly build?: { readonly dockerfile: string };
  readonly environment?: Record<string, string>;
  readonly ports?: readonly string[];
  readonly profiles?: readonly string[];
  readonly command?: readonly string[];
}
type Compose = { services: Record<string, ComposeService> };

const readCompose = (file: string) => parse(readFileSync(path.join(REPO_ROOT, file), 'utf8'), { merge: true }) as Compose;
const compose = readCompose('docker-compose.yml');
const expose = readCompose('docker-compose.expose.yml');
const env = (service: string): Record<string, string> => compose.services[service]?.environment ?? {};

/** The services that talk to Kafka, and the variable (from .env) holding each one's password. */
const KAFKA_CLIENTS = {
  'booking-service': 'KAFKA_BOOKING_PASSWORD',
  'dispatch-service': 'KAFKA_DISPATCH_PASSWORD',
  'realtime-gateway': 'KAFKA_GATEWAY_PASSWORD',
} as const;
const OUR_SERVICES = [...Object.keys(KAFKA_CLIENTS), 'ops-console'];

/** `${NAME}`, `${NAME:?why}` or `${NAME:-default}` references in a compose value. */
const referencedVariables = (value: string) => [...value.matchAll(/\$\{([A-Z0-9_]+)(?::[?-][^}]*)?\}/g)].map((m) => m[1]!);

describe('docker-compose does not publish PostgreSQL or Kafka by default', () => {
  it('gives neither of them a host port', () => {
    expect(compose.services['postgres']?.ports).toBeUndefined();
    expect(compose.services['kafka']?.ports).toBeUndefined();
  });

  it('publishes nothing else outside the services, except on the loopback with the observability profile', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (OUR_SERVICES.includes(name) || service.ports === undefined) continue;
      expect(service.profiles, name).toEqual(['observability']);
      for (const port of service.ports) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('publishes them, with docker-compose.expose.yml, only on 127.0.0.1, and Kafka there still behind SASL', () => {
    for (const name of ['postgres', 'kafka']) {
      expect(expose.services[name]?.ports?.length, name).toBeGreaterThan(0);
      for (const port of expose.services[name]!.ports!) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    const protocols = expose.services['kafka']!.environment!['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']!;
    expect(protocols).toContain('HOST:SASL_PLAINTEXT');
  });
});

describe("docker-compose's Kafka: SASL/SCRAM with a user per service", () => {
  const broker = env('kafka');
  const protocolOf = Object.fromEntries(broker['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']!.split(',').map((pair) => pair.split(':') as [string, string]));

  it('requires SASL on every listener reachable from outside the broker container (plaintext only on its loopback)', () => {
    const listeners = broker['KAFKA_LISTENERS']!.split(',').map((listener) => /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(listener)!);
    expect(listeners.length).toBeGreaterThan(0);
    for (const [listener, name, host] of listeners) {
      if (host === 'localhost' || host === '127.0.0.1') continue;
      expect(protocolOf[name!], listener).toMatch(/^SASL_/);
    }
    expect(broker['KAFKA_SASL_ENABLED_MECHANISMS']).toBe('SCRAM-SHA-512');
  });

  it.each(Object.entries(KAFKA_CLIENTS))('%s authenticates as its own SCRAM user, with its own password from .env', (service, passwordVariable) => {
    const mine = env(service);
    expect(mine['KAFKA_SASL_MECHANISM']).toBe('scram-sha-512');
    expect(mine['KAFKA_SASL_USERNAME']).toBe(service);
    expect(referencedVariables(mine['KAFKA_SASL_PASSWORD'] ?? '')).toEqual([passwordVariable]);
    // kafka-init creates exactly that user with exactly that password, and requires the variable.
    const init = compose.services['kafka-init']!;
    expect(referencedVariables(init.environment![passwordVariable] ?? '')).toEqual([passwordVariable]);
    expect(init.environment![passwordVariable]).toMatch(/:\?/);
    expect(init.command!.join('\n')).toContain(`${service}:$$${passwordVariable}`);
  });

  it('no two services share a Kafka user or password', () => {
    const users = Object.keys(KAFKA_CLIENTS).map((service) => env(service)['KAFKA_SASL_USERNAME']);
    const passwords = Object.keys(KAFKA_CLIENTS).map((service) => env(service)['KAFKA_SASL_PASSWORD']);
    expect(new Set(users).size).toBe(users.length);
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});

describe("docker-compose's secrets come from the env file, and only to who needs them", () => {
  it("PostgreSQL's password is POSTGRES_PASSWORD from .env, and booking-service connects with it", () => {
    expect(env('postgres')['POSTGRES_PASSWORD']).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
    expect(env('booking-service')['DATABASE_URL']).toMatch(/^postgresql:\/\/postgres:\$\{POSTGRES_PASSWORD\}@postgres:5432\//);
  });

  it('the keys reach only the services that hold them: the notice key booking-service and the gateway, the signing key and OTP secret booking-service', () => {
    const holders = (variable: string) => Object.keys(compose.services).filter((name) => JSON.stringify(env(name)).includes(`\${${variable}`));
    expect(holders('OTP_NOTICE_KEY').sort()).toEqual(['booking-service', 'realtime-gateway']);
    expect(holders('JWT_PRIVATE_KEY')).toEqual(['booking-service']);
    expect(holders('OTP_SECRET')).toEqual(['booking-service']);
  });

  it('the services run with NODE_ENV=production (their images), so they refuse to start without their keys', () => {
    for (const name of OUR_SERVICES) {
      const dockerfile = readFileSync(path.join(REPO_ROOT, compose.services[name]!.build!.dockerfile), 'utf8');
      expect(dockerfile, name).toMatch(/^ENV NODE_ENV=production\b/m);
      expect(env(name)['NODE_ENV'], name).toBeUndefined();
    }
  });

  describe('pnpm compose:env', () => {
    let dir: string;
    let written: Map<string, string>;

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rideline-compose-env-'));
      const file = path.join(dir, '.env');
      execFileSync(process.execPath, ['--conditions=development', '--import', 'tsx', 'scripts/compose-env.ts', file], { cwd: REPO_ROOT, stdio: 'pipe' });
      written = new Map(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => /^[A-Z0-9_]+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes every variable docker-compose.yml requires', () => {
      const required = new Set([...readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!));
      expect(required.size).toBeGreaterThan(5);
      for (const variable of required) expect(written.get(variable), variable).toMatch(/.{16,}/);
    });

    it('writes a different secret for each Kafka user and for PostgreSQL', () => {
      const secrets = [...Object.values(KAFKA_CLIENTS), 'POSTGRES_PASSWORD'].map((variable) => written.get(variable));
      expect(new Set(secrets).size).toBe(secrets.length);
    });
  });
});
