import type { GatewayPlugin } from '../plugin.js';

/**
 * Forwards the client's `Authorization` header to every subgraph: authorization lives in the
 * subgraphs, and each verifies the token itself (DESIGN.md, "Auth").
 */
export function forwardAuthorization(): GatewayPlugin {
  return {
    name: 'forward-authorization',
    wrapSubgraphFetch: (next) => (request) => {
      const { authorization } = request.context;
      return next(authorization ? { ...request, headers: { ...request.headers, authorization } } : request);
    },
  };
}
