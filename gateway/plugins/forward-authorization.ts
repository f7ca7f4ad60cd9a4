import { INTERNAL_SECRET_HEADER } from '../../platform/http/internal-caller.js';
import type { EntityPolicy } from '../entity-policy.js';
import type { GatewayPlugin } from '../plugin.js';

/**
 * Forwards the client's `Authorization` header to every subgraph: authorization lives in the
 * subgraphs, and each verifies the token itself (DESIGN.md, "Auth"). Mutations also carry
 * the client's address as `X-Forwarded-For`, set (never appended to) from the connection, so
 * a client cannot choose the address a subgraph's per-client limit (sign-up) counts it
 * under, and the internal secret, without which a subgraph ignores that header. Queries do
 * not: identical queries of different clients stay shareable in flight. Nor do query fetches
 * that read nothing a viewer changes (entity-policy.ts: `@cached` entities, root fields
 * marked `@sameForEveryViewer`), so those are shareable across viewers.
 */
export function forwardAuthorization(internalSecret: string, entities: Pick<EntityPolicy, 'sameForEveryViewer'>): GatewayPlugin {
  return {
    name: 'forward-authorization',
    wrapSubgraphFetch: (next) => (request) => {
      // A fetch whose answer no viewer changes goes without the token, so in-flight
      // de-duplication shares it between viewers (their posts' authors, say); never within a
      // mutation, whose fetches read what it just wrote.
      const token = request.context.authorization;
      const authorization = token && (request.clientOperation === 'mutation' || !entities.sameForEveryViewer(request)) ? token : undefined;
      const clientAddress = request.operation === 'mutation' ? request.context.clientAddress : undefined;
      if (!authorization && !clientAddress) return next(request);
      return next({
        ...request,
        headers: { ...request.headers, ...(authorization && { authorization }), ...(clientAddress && { 'x-forwarded-for': clientAddress, [INTERNAL_SECRET_HEADER]: internalSecret }) },
      });
    },
  };
}
