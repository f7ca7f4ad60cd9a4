import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's address: the socket's peer, or, behind `trustedHops` proxies (a load
 * balancer, an ingress), the `X-Forwarded-For` entry the outermost trusted proxy added.
 * Entries further left are the client's own claims and are never trusted.
 */
export function clientAddress(request: IncomingMessage, trustedHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  return forwardedAddress(Array.isArray(header) ? header.join(',') : (header ?? ''), trustedHops, peer);
}

/** The rule of `clientAddress`, on an `X-Forwarded-For` value already read (the redirect reads raw headers). */
export function forwardedAddress(forwardedFor: string, trustedHops: number, peer: string): string {
  if (trustedHops === 0 || !forwardedFor) return peer;
  const forwarded = forwardedFor.split(',').map((entry) => entry.trim()).filter(Boolean);
  // Fewer entries than trusted proxies: a proxy is missing, and the leftmost entry is the client's own claim.
  return forwarded[forwarded.length - trustedHops] ?? peer;
}

/** An IPv6 address as its eight 16-bit groups (`::` expanded, a trailing dotted IPv4 part as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parts = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = text.split('::');
  const left = parts(head);
  if (tail === undefined) return left;
  const right = parts(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key a client address is counted under by every per-address quota (rate limit,
 * sockets, subscriptions, sign-ups). An IPv6 client is its /64: one subscriber is routinely
 * given a whole /64, so keyed by the full address it would have 2^64 quotas. An IPv4-mapped
 * IPv6 address (`::ffff:1.2.3.4`, how a dual-stack socket shows an IPv4 peer) is its IPv4
 * address; anything that is not an IP address is kept as it is.
 */
export function quotaKey(address: string): string {
  const bare = address.split('%', 1)[0]!;
  if (isIP(bare) !== 6) return address;
  const groups = ipv6Groups(bare.toLowerCase());
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}
