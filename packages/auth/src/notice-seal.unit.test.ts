import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_NOTICE_KEY, NoticeSeal, noticeKeyRefusal, otpNoticeContext } from './notice-seal.ts';

const key = 'k'.repeat(32);

describe('NoticeSeal', () => {
  it('opens what it sealed, for the same context only', () => {
    const seal = new NoticeSeal(key);
    const sealed = seal.seal('123456', otpNoticeContext('b-1', 'u-1'));
    expect(sealed).not.toContain('123456');
    expect(seal.open(sealed, otpNoticeContext('b-1', 'u-1'))).toBe('123456');
    expect(seal.open(sealed, otpNoticeContext('b-2', 'u-1'))).toBeNull();
    expect(seal.open(sealed, otpNoticeContext('b-1', 'u-2'))).toBeNull();
  });

  it('refuses another key, a tampered value and garbage without throwing', () => {
    const sealed = new NoticeSeal(key).seal('123456', 'c');
    expect(new NoticeSeal('x'.repeat(32)).open(sealed, 'c')).toBeNull();
    const tampered = Buffer.from(sealed, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expect(new NoticeSeal(key).open(tampered.toString('base64url'), 'c')).toBeNull();
    expect(new NoticeSeal(key).open('AAAA', 'c')).toBeNull();
  });

  it('needs 32 characters of key material', () => {
    expect(() => new NoticeSeal('short')).toThrow(/32/);
  });
});

describe('noticeKeyRefusal', () => {
  it('refuses the public development key in production only', () => {
    expect(noticeKeyRefusal(DEVELOPMENT_NOTICE_KEY, { NODE_ENV: 'production' })).toMatch(/public development key/);
    expect(noticeKeyRefusal(DEVELOPMENT_NOTICE_KEY, {})).toBeNull();
    expect(noticeKeyRefusal(key, { NODE_ENV: 'production' })).toBeNull();
  });
});
