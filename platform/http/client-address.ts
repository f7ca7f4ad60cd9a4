import type { IncomingMessage } from 'node:http';

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
