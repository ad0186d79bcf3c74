import { DEVELOPMENT_NOTICE_KEY } from '@rideline/auth';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig, usesDevelopmentNoticeKey } from './config.ts';

const KEY = 'a-configured-notice-key-of-32-characters-or-more';

describe('gateway config: OTP_NOTICE_KEY', () => {
  it('outside production, falls back to the public development key', () => {
    const config = readGatewayConfig({});
    expect(config.notices.otpKey).toBe(DEVELOPMENT_NOTICE_KEY);
    expect(usesDevelopmentNoticeKey(config)).toBe(true);
  });

  it('takes a configured key', () => {
    const config = readGatewayConfig({ OTP_NOTICE_KEY: KEY });
    expect(config.notices.otpKey).toBe(KEY);
    expect(usesDevelopmentNoticeKey(config)).toBe(false);
  });

  it('refuses a short key without echoing it', () => {
    expect(() => readGatewayConfig({ OTP_NOTICE_KEY: 'short-secret' })).toThrow(/OTP_NOTICE_KEY must be at least 32 characters \(got 12\)/);
    expect(() => readGatewayConfig({ OTP_NOTICE_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  // Production also requires CORS_ALLOWED_ORIGINS; set, so that these cases are about the key alone.
  const ORIGINS = { CORS_ALLOWED_ORIGINS: 'https://app.example.com' };

  it('in production, refuses to start without it, in one line', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production', ...ORIGINS })).toThrow(
      /^Invalid configuration: NODE_ENV=production requires OTP_NOTICE_KEY \(not set\)$/,
    );
  });

  it('in production, refuses the public development key set explicitly', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production', ...ORIGINS, OTP_NOTICE_KEY: DEVELOPMENT_NOTICE_KEY })).toThrow(/public development key/);
  });

  it('in production, starts with a configured key', () => {
    expect(readGatewayConfig({ NODE_ENV: 'production', ...ORIGINS, OTP_NOTICE_KEY: KEY }).notices.otpKey).toBe(KEY);
  });

  it('in production, names every missing setting in the one line', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration: NODE_ENV=production requires CORS_ALLOWED_ORIGINS, OTP_NOTICE_KEY \(not set\)$/,
    );
  });
});

describe('gateway config: caps and revocations', () => {
  it('defaults to 5 sockets per principal per endpoint and a day of revocation history', () => {
    const config = readGatewayConfig({});
    expect(config.sockets.maxPerPrincipal).toBe(5);
    expect(config.auth.maxAccessTokenLifetimeSeconds).toBe(86_400);
  });
});
