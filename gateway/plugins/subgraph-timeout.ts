import type { GatewayPlugin } from '../plugin.js';

/**
 * Gives every subgraph request a deadline (`SUBGRAPH_TIMEOUT_MS`): a subgraph that hangs
 * costs an error on its fields, never a request that hangs with it.
 */
export function subgraphTimeout(timeoutMs: number): GatewayPlugin {
  return {
    name: 'subgraph-timeout',
    wrapSubgraphFetch: (next) => (request) => next({ ...request, timeoutMs: Math.min(request.timeoutMs ?? Infinity, timeoutMs) }),
  };
}
