import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, parsePasswordHash, verifyPassword } from './password.ts';

describe('password hashing (scrypt)', () => {
  it('stores a self-describing string: algorithm, parameters, salt and hash', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(stored).not.toContain('correct horse battery');
    expect(parsePasswordHash(stored)?.params).toEqual(DEFAULT_SCRYPT_PARAMS);
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });

  it('verifies hashes made with other parameters, and says they need a rehash', async () => {
    const params = { ln: 10, r: 8, p: 1 };
    const stored = await hashPassword('old but fine', params);
    expect(stored.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('old but fine', stored)).toBe(true);
    expect(needsRehash(stored)).toBe(true);
    expect(needsRehash(stored, params)).toBe(false);
    expect(needsRehash(await hashPassword('new'))).toBe(false);
  });

  it('treats canonically equivalent Unicode the same (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9-password', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301-password', stored)).toBe(true);
  });

  it.each([
    ['garbage', 'not a hash'],
    ['another algorithm', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['a cost beyond the limits (would allocate GiBs)', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a short salt', '$scrypt$ln=15,r=8,p=3$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('never matches a malformed stored hash: %s', async (_name, stored) => {
    expect(parsePasswordHash(stored)).toBeUndefined();
    expect(await verifyPassword('anything', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });
});
