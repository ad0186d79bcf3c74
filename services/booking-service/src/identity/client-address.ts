import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client's address: the socket's, or with `trustedHops` proxies in front (each appending
 * the address it received from to X-Forwarded-For) the address the outermost trusted proxy
 * saw, the `trustedHops`-th entry from the right. Entries further left are whatever the client
 * wrote, so they are never believed. With fewer entries than hops, the leftmost one.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const socket = socketAddress ?? 'unknown';
  if (trustedHops === 0 || forwardedFor === undefined) return socket;
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest first: the socket, then X-Forwarded-For from the right.
  const chain = [socket, ...forwarded.reverse()];
  return chain[Math.min(trustedHops, chain.length - 1)] ?? socket;
}

/**
 * The throttle's unit for an address: an IPv4 address (also when IPv4-mapped), or the /64 of
 * an IPv6 address, since one subscriber usually holds a whole /64 and could rotate within it.
 * Anything unparseable (a client-written X-Forwarded-For entry) is used as it is, bounded.
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  return address.slice(0, 64);
}

/** The eight 16-bit groups of an IPv6 address, as hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; it only affects the low 64 bits.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const missing = 8 - width(left) - width(right);
  const full = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
  return full.map((group) => (group.includes('.') ? group : Number.parseInt(group, 16).toString(16)));
}
