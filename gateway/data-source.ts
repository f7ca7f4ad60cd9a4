import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, fetch } from 'undici';
import type { GatewayContext } from './context.js';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** `GraphQLDataSourceRequestKind.INCOMING_OPERATION`; the enum is not exported. */
const INCOMING_OPERATION = 'incoming operation';

/**
 * A fetcher over one keep-alive connection pool per gateway, with a deadline on every
 * subgraph request: `RemoteGraphQLDataSource` ships with neither (DESIGN.md).
 */
export function createFetcher(timeoutMs: number): { fetcher: Fetcher; close: () => Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 256 });
  const fetcher = ((url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) =>
    fetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}

interface InFlight {
  response: Promise<GatewayGraphQLResponse>;
  followers: number;
  /** The leader's answer as JSON, made once and only when somebody else waits for it. */
  json?: string;
}

/**
 * One subgraph as the gateway sees it. It forwards the client's `Authorization` (every
 * subgraph verifies the token itself) and shares identical concurrent query fetches: a
 * second request for the same query, variables and credentials waits for the first.
 * Mutations are never shared.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly inFlight = new Map<string, InFlight>();

  /**
   * A subgraph answers bad input it alone can judge (a custom scalar the gateway does not
   * parse, say) with HTTP 400 and GraphQL errors. Pass its first error on, code included,
   * instead of the bare "400: Bad Request" Apollo would make of it. Any other failure stays
   * an internal error.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const fallback = await super.errorFromResponse(response);
    if (response.status !== 400) return fallback;
    const body = (fallback.extensions['response'] as { body?: unknown } | undefined)?.body;
    const first = (body as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | undefined)?.errors?.[0];
    if (typeof first?.message !== 'string') return fallback;
    return new GraphQLError(first.message, { extensions: { ...first.extensions } });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = (context as Partial<GatewayContext>).authorization;
    if (authorization) request.http?.headers.set('authorization', authorization);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const query = options.request.query ?? '';
    if (String(options.kind) !== INCOMING_OPERATION || /^\s*(mutation|subscription)\b/.test(query)) {
      return super.process(options);
    }
    const key = JSON.stringify([query, options.request.variables ?? null, options.context.authorization ?? null]);
    const shared = this.inFlight.get(key);
    if (shared) {
      shared.followers += 1;
      const response = await shared.response;
      // Each request gets its own objects: the executor merges into what it receives.
      return JSON.parse(shared.json ?? serialize(response)) as GatewayGraphQLResponse;
    }
    const entry: InFlight = { followers: 0, response: Promise.resolve({}) };
    // Serialised before the leader's executor can touch the objects, and only if shared.
    entry.response = super.process(options).then((response) => {
      if (entry.followers > 0) entry.json = serialize(response);
      return response;
    });
    this.inFlight.set(key, entry);
    try {
      return await entry.response;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

const serialize = ({ data, errors, extensions }: GatewayGraphQLResponse): string => JSON.stringify({ data, errors, extensions });
