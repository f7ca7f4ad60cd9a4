import { GraphQLError } from 'graphql';
import type { GatewayPlugin } from '../plugin.js';
import { SubgraphHttpError } from '../subgraph-transport.js';

/**
 * A subgraph answers bad input only it can judge (a custom scalar the gateway does not
 * parse, say) with HTTP 400 and GraphQL errors. Its first error reaches the client with its
 * code, instead of the bare "400: Bad Request" the gateway would make of it. Any other
 * failure stays an internal error.
 */
export function subgraphErrorPassThrough(): GatewayPlugin {
  return {
    name: 'subgraph-error-pass-through',
    wrapSubgraphFetch: (next) => async (request) => {
      try {
        return await next(request);
      } catch (error) {
        if (!(error instanceof SubgraphHttpError) || error.status !== 400) throw error;
        const first = (error.body as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | undefined)?.errors?.[0];
        if (typeof first?.message !== 'string') throw error;
        throw new GraphQLError(first.message, { extensions: { ...first.extensions } });
      }
    },
  };
}
