import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@rideline/config';
import { describe, expect, it } from 'vitest';
import { identitySettings } from './settings.ts';

const pem = (type: 'ed25519' | 'rsa') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

describe('identitySettings', () => {
  it('defaults: no key (generated and kept in the database), 15 min access, 30 days refresh, throttle and hashing bounds', () => {
    expect(loadConfig(identitySettings, {})).toEqual({
      jwtPrivateKey: undefined,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      loginThrottle: {
        accountFreeFailures: 5,
        addressFreeFailures: 50,
        lockoutBaseSeconds: 2,
        lockoutMaxSeconds: 900,
        failureMemorySeconds: 3_600,
        knownAddressDays: 30,
        trustProxyHops: 0,
      },
      passwordHashing: { concurrency: 2, queueLength: 256, maxWaitMs: 30_000 },
    });
  });

  it('requires JWT_PRIVATE_KEY in production', () => {
    expect(() => loadConfig(identitySettings, { NODE_ENV: 'production' })).toThrow(
      'Invalid configuration: NODE_ENV=production requires JWT_PRIVATE_KEY (not set)',
    );
    expect(loadConfig(identitySettings, { NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('ed25519') }).jwtPrivateKey).toBeDefined();
  });

  it('reads an Ed25519 PEM, also written on one line with \\n', () => {
    const key = pem('ed25519');
    expect(loadConfig(identitySettings, { JWT_PRIVATE_KEY: key }).jwtPrivateKey).toBe(key.trim());
    expect(loadConfig(identitySettings, { JWT_PRIVATE_KEY: key.replaceAll('\n', '\\n') }).jwtPrivateKey).toBe(key.trim());
  });

  it.each([
    ['an RSA key', pem('rsa'), 'must be an Ed25519 private key (got a rsa key)'],
    ['garbage', '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----', 'must be a private key in PEM'],
  ])('refuses %s without echoing it', (_name, value, message) => {
    let error: unknown;
    try {
      loadConfig(identitySettings, { JWT_PRIVATE_KEY: value, ACCESS_TOKEN_TTL_SECONDS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.find((p) => p.startsWith('JWT_PRIVATE_KEY'))).toContain(message);
    expect(problems.find((p) => p.startsWith('ACCESS_TOKEN_TTL_SECONDS'))).toBeDefined();
    expect((error as Error).message).not.toContain(value.split('\n')[1] ?? value);
  });
});
