import type { GraphQLError } from 'graphql';
import type { GatewayPlugin, SubgraphResponse } from '../plugin.js';
import { jsonOfVariables } from '../subgraph-body.js';

interface InFlight {
  response: Promise<SubgraphResponse>;
  followers: number;
  /** The leader's answer as JSON, made once and only when somebody else waits for it. */
  json?: string;
}

/**
 * Shares identical concurrent query fetches: a second request to the same subgraph with the
 * same query, variables and headers (credentials included) waits for the first instead of
 * asking again. Mutations are never shared. Each waiter gets its own copy, because the
 * executor merges into the objects it receives. Put it inside the plugins that set headers.
 */
export function inflightDeduplication(): GatewayPlugin {
  const inFlight = new Map<string, InFlight>();
  return {
    name: 'inflight-deduplication',
    wrapSubgraphFetch: (next) => async (request) => {
      if (request.operation !== 'query') return next(request);
      // NUL cannot occur in a URL or in a printed GraphQL document: the key is unambiguous
      // without escaping the query, which JSON.stringify would copy character by character.
      const key = `${request.url}\0${request.query}\0${jsonOfVariables(request.variables)}\0${JSON.stringify(request.headers)}`;
      const shared = inFlight.get(key);
      if (shared) {
        shared.followers += 1;
        let response: SubgraphResponse;
        try {
          response = await shared.response;
        } catch (error) {
          // The leader's own response budget ran out: that is no verdict on this request's.
          if ((error as GraphQLError).extensions?.['limit'] === 'response_bytes') return next(request);
          throw error;
        }
        return JSON.parse(shared.json ?? JSON.stringify(response)) as SubgraphResponse;
      }
      const entry: InFlight = { followers: 0, response: Promise.resolve({}) };
      // Serialised before the leader's executor can touch the objects, and only if shared.
      entry.response = next(request).then((response) => {
        if (entry.followers > 0) entry.json = JSON.stringify(response);
        return response;
      });
      inFlight.set(key, entry);
      try {
        return await entry.response;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
