import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sendJson } from './http-server.js';
import type { RouteHandler } from './http-server.js';

/**
 * The header by which the gateway proves itself to a subgraph (`INTERNAL_SECRET`). Subgraph
 * ports are meant to be reachable by the gateway only, but outside Kubernetes' network
 * policies nothing enforces that: links' internal routes require the header, and a subgraph
 * believes `X-Forwarded-For` only beside it.
 */
export const INTERNAL_SECRET_HEADER = 'x-internal-secret';

/** Whether a request carries the internal secret. */
export type InternalCallerCheck = (request: IncomingMessage) => boolean;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Compared as digests in constant time: how long a refusal takes says nothing of the secret. */
export function internalCallerCheck(secret: string): InternalCallerCheck {
  const expected = digest(secret);
  return (request) => {
    const sent = request.headers[INTERNAL_SECRET_HEADER];
    return typeof sent === 'string' && timingSafeEqual(digest(sent), expected);
  };
}

/** `handler` for internal callers only; anyone else gets 403 before it runs. */
export function internalOnly(isInternal: InternalCallerCheck, handler: RouteHandler): RouteHandler {
  return (request, response) => {
    if (!isInternal(request)) return sendJson(response, 403, { error: `internal route: the ${INTERNAL_SECRET_HEADER} header is missing or wrong` });
    return handler(request, response);
  };
}
