import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { TokenVerifier, Viewer } from './auth.js';
import type { CountingPool } from './database.js';
import { formatError } from './errors.js';
import { createHttpServer, graphqlHandler, GRAPHQL_PATH, listen, localUrl, requestViewer, sendJson } from './http.js';
import type { Routes } from './http.js';
import { apolloLogger } from './logger.js';
import type { Logger } from './logger.js';
import { projectPath } from './paths.js';

/** What every subgraph's request context holds; each domain adds its loaders and services. */
export interface SubgraphContext {
  viewer: Viewer | null;
}

export interface SubgraphServerOptions<TContext extends SubgraphContext> {
  name: string;
  /** Generated resolver maps (codegen's `Resolvers`) are structurally what Apollo expects. */
  resolvers: object;
  verifier: TokenVerifier;
  /** Called once per request with the verified viewer: a fresh set of DataLoaders each time. */
  createContext: (viewer: Viewer | null) => TContext;
  /** Throws when a dependency the subgraph needs (its database) is unreachable. */
  healthCheck: () => Promise<unknown>;
  routes?: Routes;
  production: boolean;
  logger: Logger;
  port: number;
  host: string | undefined;
}

export interface RunningServer {
  /** Where the GraphQL endpoint answers, e.g. `http://localhost:4001/graphql`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A started subgraph: its server and its database pool (whose statement count tests read). */
export interface RunningSubgraph extends RunningServer {
  pool: CountingPool;
}

/** The SDL a subgraph serves: `subgraphs/<name>/schema.graphql`, the file supergraph.yaml points at. */
export function loadTypeDefs(name: string): DocumentNode {
  return parse(readFileSync(projectPath('subgraphs', name, 'schema.graphql'), 'utf8'));
}

export function buildSchema(name: string, resolvers: object): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: loadTypeDefs(name), resolvers: resolvers as never });
}

/** Starts a subgraph: Apollo Server on `/graphql`, `/health`, and the domain's extra routes. */
export async function startSubgraphServer<TContext extends SubgraphContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningServer> {
  const { name, verifier, logger, production } = options;
  const routes: Routes = { ...options.routes };
  const httpServer = createHttpServer(routes, logger);
  const apollo = new ApolloServer<TContext>({
    schema: buildSchema(name, options.resolvers),
    formatError: (formatted) => formatError(formatted, { production }),
    includeStacktraceInErrorResponses: !production,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
    logger: apolloLogger(logger),
  });
  await apollo.start();

  const context = async (request: IncomingMessage): Promise<TContext> => options.createContext(await requestViewer(request, verifier));
  routes[GRAPHQL_PATH] = graphqlHandler(apollo, context);
  routes['/health'] = async (_request, response) => {
    try {
      await options.healthCheck();
      sendJson(response, 200, { status: 'ok' });
    } catch {
      sendJson(response, 503, { status: 'unavailable' });
    }
  };

  const port = await listen(httpServer, options.port, options.host);
  const url = localUrl(options.host, port, GRAPHQL_PATH);
  logger.info('subgraph listening', { url });
  return { url, port, stop: () => apollo.stop() };
}
