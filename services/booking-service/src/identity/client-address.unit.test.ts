import { describe, expect, it } from 'vitest';
import { addressBucket, clientAddress } from './client-address.ts';

describe('clientAddress', () => {
  it('is the socket address unless proxies are trusted', () => {
    expect(clientAddress('10.0.0.5', '1.2.3.4', 0)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
  });

  it('with n trusted proxies, is the n-th X-Forwarded-For entry from the right; entries further left are not believed', () => {
    expect(clientAddress('10.0.0.5', 'spoofed, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', ['spoofed', '203.0.113.7, 10.0.0.9'], 2)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', ' , ', 1)).toBe('10.0.0.5');
  });
});

describe('addressBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:0db8:00aa:00bb::9', '2001:db8:aa:bb::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s -> %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  it('bounds what a client wrote', () => {
    expect(addressBucket('x'.repeat(500))).toHaveLength(64);
  });
});
