import { describe, expect, it } from 'vitest';
import { bearerSubprotocolToken, credentialsOf, isWellFormedUpgrade } from './upgrade-request.ts';

const handshake = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };

describe('upgrade requests', () => {
  it('recognise a proper handshake', () => {
    expect(isWellFormedUpgrade('GET', true, handshake)).toBe(true);
    expect(isWellFormedUpgrade('GET', false, handshake)).toBe(false);
    expect(isWellFormedUpgrade('POST', true, handshake)).toBe(false);
    expect(isWellFormedUpgrade('GET', true, { ...handshake, 'sec-websocket-version': '8' })).toBe(false);
    expect(isWellFormedUpgrade('GET', true, { ...handshake, 'sec-websocket-key': 'nope' })).toBe(false);
  });

  it('take the token from Authorization: Bearer or the bearer subprotocol pair, not both', () => {
    expect(credentialsOf({ authorization: 'Bearer a.b.c' })).toEqual({ kind: 'token', token: 'a.b.c', via: 'header' });
    expect(credentialsOf({ authorization: 'bearer   a.b.c ' })).toEqual({ kind: 'token', token: 'a.b.c', via: 'header' });
    expect(credentialsOf({ 'sec-websocket-protocol': 'bearer, a.b.c' })).toEqual({ kind: 'token', token: 'a.b.c', via: 'subprotocol' });
    expect(credentialsOf({ authorization: 'Basic xyz' })).toEqual({ kind: 'missing' });
    expect(credentialsOf({})).toEqual({ kind: 'missing' });
    expect(credentialsOf({ authorization: 'Bearer a.b.c', 'sec-websocket-protocol': 'bearer, a.b.c' })).toEqual({ kind: 'ambiguous' });
  });

  it('find the token after `bearer` in a protocol list', () => {
    expect(bearerSubprotocolToken('chat, bearer, tok')).toBe('tok');
    expect(bearerSubprotocolToken('bearer')).toBeUndefined();
    expect(bearerSubprotocolToken('chat')).toBeUndefined();
  });
});
