import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayContext } from './context.js';
import type { SubgraphFetch, SubgraphRequest } from './plugin.js';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const operationOf = (query: string): SubgraphRequest['operation'] => {
  const keyword = /^\s*(mutation|subscription)\b/.exec(query)?.[1];
  return keyword === 'mutation' || keyword === 'subscription' ? keyword : 'query';
};

/**
 * One subgraph as `@apollo/gateway`'s executor sees it: every fetch of a query plan goes
 * through the gateway plugins' chain (`fetch`) to the subgraph at `url`.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly service: string,
    readonly url: string,
    private readonly fetch: SubgraphFetch,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const query = request.query ?? '';
    return (await this.fetch({
      service: this.service,
      url: this.url,
      query,
      variables: request.variables,
      operationName: request.operationName ?? undefined,
      operation: operationOf(query),
      clientOperation: 'incomingRequestContext' in options ? options.incomingRequestContext.operation?.operation : undefined,
      headers: {},
      context: context as GatewayContext,
    })) as GatewayGraphQLResponse;
  }
}
