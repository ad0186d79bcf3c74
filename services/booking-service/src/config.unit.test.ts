import { generateKeyPairSync } from 'node:crypto';
import { DEVELOPMENT_NOTICE_KEY } from '@rideline/auth';
import { describe, expect, it } from 'vitest';
import { readBookingConfig } from './config.ts';

describe('readBookingConfig', () => {
  it('refuses the public development notice key in production, set explicitly', () => {
    const keys = {
      CORS_ALLOWED_ORIGINS: 'https://app.example.com',
      JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      OTP_SECRET: 's'.repeat(32),
      OTP_NOTICE_KEY: DEVELOPMENT_NOTICE_KEY,
    };
    expect(() => readBookingConfig({ ...keys, NODE_ENV: 'production' })).toThrow(/public development key/);
    expect(readBookingConfig(keys).lifecycle.otpNoticeKey).toBe(DEVELOPMENT_NOTICE_KEY);
  });
});
