import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  boolean,
  describeSettings,
  hostPortList,
  integer,
  loadConfig,
  oneOf,
  originList,
  port,
  requiredInProduction,
  string,
  topicSettings,
  url,
} from '../src/index.ts';

const schema = {
  port: port('PORT', { default: 3001, description: 'HTTP port' }),
  brokers: hostPortList('KAFKA_BROKERS', { default: ['127.0.0.1:9092'], description: 'brokers' }),
  databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql'], { description: 'database' }),
  level: oneOf('LOG_LEVEL', ['info', 'debug'], { default: 'info', description: 'level' }),
  pretty: boolean('PRETTY', { default: false, description: 'pretty' }),
  expiry: integer('EXPIRY_S', { default: 120, min: 1, description: 'expiry' }),
};

describe('loadConfig', () => {
  it('reads values and applies defaults', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgresql://u@h:5432/db', PORT: '0', PRETTY: 'yes' });
    expect(config).toEqual({
      port: 0,
      brokers: ['127.0.0.1:9092'],
      databaseUrl: 'postgresql://u@h:5432/db',
      level: 'info',
      pretty: true,
      expiry: 120,
    });
  });

  it('lists every bad setting by name in one error', () => {
    const env = {
      PORT: '70000',
      KAFKA_BROKERS: 'localhost',
      DATABASE_URL: 'mysql://root:hunter2@h/db',
      LOG_LEVEL: 'loud',
      PRETTY: 'maybe',
      EXPIRY_S: '1.5',
    };
    let error: unknown;
    try {
      loadConfig(schema, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    for (const name of Object.keys(env)) expect(problems.join('\n')).toContain(name);
    expect((error as ConfigError).message).not.toContain('hunter2');
  });

  it('says when a required setting is missing', () => {
    expect(() => loadConfig(schema, {})).toThrow(/DATABASE_URL is required/);
  });

  it('refuses, in one line, to run in production without the settings production requires', () => {
    const withKeys = {
      ...schema,
      key: requiredInProduction(string('SIGNING_KEY', { default: 'dev', description: 'key' })),
      other: requiredInProduction(string('OTHER_KEY', { default: 'dev', description: 'key' })),
    };
    const env = { DATABASE_URL: 'postgresql://u@h:5432/db' };
    expect(loadConfig(withKeys, env).key).toBe('dev');
    let error: unknown;
    try {
      loadConfig(withKeys, { ...env, NODE_ENV: 'production', OTHER_KEY: ' ' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual(['NODE_ENV=production requires SIGNING_KEY, OTHER_KEY (not set)']);
    expect(loadConfig(withKeys, { ...env, NODE_ENV: 'production', SIGNING_KEY: 'a', OTHER_KEY: 'b' }).key).toBe('a');
  });

  it('accepts several brokers and IPv6 literals', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://h/db', KAFKA_BROKERS: 'a:9092, [::1]:9093' });
    expect(config.brokers).toEqual(['a:9092', '[::1]:9093']);
  });

  it('lets operators rename topics and refuses invalid names', () => {
    expect(loadConfig(topicSettings, { TOPIC_BOOKING_EVENTS: 'prod.booking.events' }).bookingEvents).toBe('prod.booking.events');
    expect(() => loadConfig(topicSettings, { TOPIC_DISPATCH_OFFERS: 'has space' })).toThrow(/TOPIC_DISPATCH_OFFERS/);
  });

  it('documents its settings as a Markdown table, redacting URL passwords', () => {
    const table = describeSettings({
      db: url('DATABASE_URL', ['postgresql'], { default: 'postgresql://u:secret@h/db', description: 'db' }),
    });
    expect(table).toContain('`DATABASE_URL`');
    expect(table).not.toContain('secret');
  });
});

describe('originList (CORS_ALLOWED_ORIGINS)', () => {
  const origins = { cors: requiredInProduction(originList('CORS_ALLOWED_ORIGINS', { description: 'origins' })) };

  it('reads origins as a browser sends them, and unset as null outside production', () => {
    expect(loadConfig(origins, { CORS_ALLOWED_ORIGINS: ' https://App.Example.com , http://localhost:5173,https://x.test:443' }).cors).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'https://x.test',
    ]);
    expect(loadConfig(origins, {}).cors).toBeNull();
    expect(loadConfig(origins, { CORS_ALLOWED_ORIGINS: '  ' }).cors).toBeNull();
  });

  it.each([
    'https://app.example.com/',
    'https://app.example.com/path',
    'app.example.com',
    'ftp://x.test',
    '*',
    'https://u:p@x.test',
    'https://a.test,,https://b.test',
  ])('refuses %s, naming the setting', (value) => {
    expect(() => loadConfig(origins, { CORS_ALLOWED_ORIGINS: value })).toThrow(/CORS_ALLOWED_ORIGINS must be comma-separated origins/);
  });

  it('is required with NODE_ENV=production', () => {
    expect(() => loadConfig(origins, { NODE_ENV: 'production' })).toThrow('NODE_ENV=production requires CORS_ALLOWED_ORIGINS (not set)');
    expect(loadConfig(origins, { NODE_ENV: 'production', CORS_ALLOWED_ORIGINS: 'https://a.test' }).cors).toEqual(['https://a.test']);
  });
});
