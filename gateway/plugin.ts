import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Router } from '../platform/http/http-server.js';
import type { Registry } from '../platform/observability/metrics.js';
import type { ClientIdentity } from './client.js';
import type { GatewayContext } from './context.js';

/** One fetch of a query plan, on its way to a subgraph. */
export interface SubgraphRequest {
  /** The subgraph's name in the supergraph. */
  service: string;
  url: string;
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  operation: 'query' | 'mutation' | 'subscription';
  /** The client's operation this fetch serves, when known: a mutation's entity fetches read what it just wrote. */
  clientOperation?: 'query' | 'mutation' | 'subscription';
  /** Sent as they are; `content-type` is set by the transport. */
  headers: Record<string, string>;
  context: GatewayContext;
  /** How long the subgraph has to answer; unset, it has as long as it takes. */
  timeoutMs?: number;
  /** Bytes of answer the client's request may still take: the transport stops reading past it. */
  budget?: ResponseBudget;
}

/** What is left of one client request's response-size budget, shared by all its fetches. */
export interface ResponseBudget {
  remainingBytes: number;
  readonly maxBytes: number;
}

/** A subgraph's GraphQL answer. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

export type SubgraphFetch = (request: SubgraphRequest) => Promise<SubgraphResponse>;

/**
 * One gateway feature (`gateway/plugins/`), as Hive Gateway's runtime plugins are: hooks into
 * the client request's lifecycle, and a wrapper around every subgraph fetch.
 */
export interface GatewayPlugin {
  name: string;
  /** Apollo Server hooks: parsing, validation, the resolved operation, the response. */
  apollo?: ApolloServerPlugin<GatewayContext>;
  /** Wraps each subgraph fetch: change the request, share it, time it, rewrite the answer. */
  wrapSubgraphFetch?: (next: SubgraphFetch) => SubgraphFetch;
  /** Adds HTTP routes on the gateway's port, beside `/graphql` (short links, metrics, the web page). */
  routes?: (router: Router, gateway: GatewayServices) => void;
  /**
   * Admits or refuses (throwing a GraphQLError) each client operation, over HTTP and
   * WebSocket, before any work: before Apollo Server or graphql-ws parses `source`, the
   * operation's text as the client sent it (undefined when it sent an APQ hash alone).
   */
  admit?: (client: ClientIdentity, source: string | undefined) => Promise<void>;
  /** Releases what the plugin holds (timers, buffers to flush), when the gateway stops. */
  stop?: () => Promise<void>;
}

/** What the gateway offers its plugins' routes. */
export interface GatewayServices {
  /** Where the subgraph `name` answers GraphQL (its routing URL, or `<NAME>_SUBGRAPH_URL`). */
  subgraphUrl(name: string): string | undefined;
  /** The gateway's Prometheus registry, for the plugin's own series. */
  metrics: Registry;
}

/** The fetch every subgraph request goes through: the plugins' wrappers, the first outermost, around `transport`. */
export function composeSubgraphFetch(plugins: readonly GatewayPlugin[], transport: SubgraphFetch): SubgraphFetch {
  return plugins.reduceRight<SubgraphFetch>((next, plugin) => plugin.wrapSubgraphFetch?.(next) ?? next, transport);
}

/** The Apollo Server plugins among `plugins`. */
export const apolloPlugins = (plugins: readonly GatewayPlugin[]): Array<ApolloServerPlugin<GatewayContext>> =>
  plugins.flatMap((plugin) => (plugin.apollo ? [plugin.apollo] : []));
