import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLError } from 'graphql';
import { createTokenVerifier } from '../platform/auth/token-verifier.js';
import { formatError, formatResult } from '../platform/errors.js';
import { CLIENT_BODY_LIMIT, graphqlHandler, GRAPHQL_PATH, requestQuery, requestViewer } from '../platform/http/graphql-route.js';
import { createHttpServer, listen, localUrl, Router } from '../platform/http/http-server.js';
import { failingChecks, serveProbes } from '../platform/http/probes.js';
import { graphqlTelemetry } from '../platform/observability/graphql-telemetry.js';
import type { GraphQLTelemetry } from '../platform/observability/graphql-telemetry.js';
import { createMetricsRegistry } from '../platform/observability/metrics.js';
import type { Registry } from '../platform/observability/metrics.js';
import { internalSecretWarning } from '../platform/config/env.js';
import { apolloLogger, createLogger } from '../platform/observability/logger.js';
import type { LogOutput, Logger } from '../platform/observability/logger.js';
import { originAllowed } from '../platform/http/cors.js';
import { clientAddress } from '../platform/http/client-address.js';
import type { ClientIdentity } from './client.js';
import { caching } from './plugins/caching.js';
import { cachePolicyOf, entityPolicyOf, readEntityPolicy } from './entity-policy.js';
import type { EntityPolicy } from './entity-policy.js';
import { clientErrors } from './plugins/client-errors.js';
import { documentLimits } from './plugins/document-limits.js';
import { rateLimit } from './plugins/rate-limit.js';
import { responseBudget } from './plugins/response-budget.js';
import { hideSchemaHints } from './plugins/schema-hints.js';
import { once } from '../platform/process/run-process.js';
import type { RunningServer } from '../platform/subgraph/graphql-server.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './data-source.js';
import { apolloPlugins, composeSubgraphFetch } from './plugin.js';
import type { GatewayPlugin, GatewayServices } from './plugin.js';
import { forwardAuthorization } from './plugins/forward-authorization.js';
import { graphiql } from './plugins/graphiql.js';
import { inflightDeduplication } from './plugins/inflight-deduplication.js';
import { livePage } from './plugins/live-page.js';
import { gatewayMetrics } from './plugins/metrics.js';
import { traceSubgraphFetches } from './plugins/tracing.js';
import { operationLimits } from './plugins/limits.js';
import { shortLinks } from './plugins/short-links.js';
import { subgraphErrorPassThrough } from './plugins/subgraph-errors.js';
import { subgraphTimeout } from './plugins/subgraph-timeout.js';
import { createSubgraphTransport } from './subgraph-transport.js';
import { SubscriptionEngine } from './subscriptions/engine.js';
import type { EngineStats } from './subscriptions/engine.js';
import { SubscriptionPlanner } from './subscriptions/planner.js';
import { UpstreamSubscriptions } from './subscriptions/upstream.js';
import { surfaceValueCompletion } from './value-completion.js';
import { executeIntrospection, isIntrospectionOnly } from './introspection.js';
import { serveGatewayWebSocket } from './websocket.js';

export interface RunningGateway extends RunningServer {
  /** Federated subscriptions now: topics, clients, upstream streams, executions. */
  subscriptionStats(): EngineStats;
  /** Where features (the live-stats page, short links, metrics) add their routes. */
  router: Router;
  /** The browser tools this gateway serves beside the API, for the startup banner. */
  explorers: { sandbox: boolean; graphiql: boolean };
}

/**
 * `@apollo/gateway` whose results carry every error as an error (see value-completion.ts) and
 * whose introspection-only operations graphql-js answers (see introspection.ts).
 */
class Gateway extends ApolloGateway {
  override async load(...args: Parameters<ApolloGateway['load']>): ReturnType<ApolloGateway['load']> {
    const loaded = await super.load(...args);
    return {
      ...loaded,
      executor: async (context) =>
        isIntrospectionOnly(context.operation, context.document)
          ? ((await executeIntrospection(context.schema, context.document, context.operationName, context.request.variables)) as Awaited<ReturnType<typeof loaded.executor>>)
          : surfaceValueCompletion(await loaded.executor(context)),
    };
  }
}

function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`No supergraph at ${path}: run \`npm run compose\` first`);
  }
}

/**
 * Read once: the cache shares entity answers by it, and forwarding keeps the token off the
 * fetches (entity and root) it says no viewer changes. Without the subgraphs' schema files (a gateway deployed
 * alone) every fetch carries the token, unless caching needs them.
 */
function entityPolicy(config: GatewayConfig, logger: Logger): EntityPolicy {
  try {
    return readEntityPolicy(config.cache);
  } catch (error) {
    if (config.cache.enabled) throw error;
    logger.warn('subgraph schemas not readable: every fetch carries the viewer\'s token', { error: (error as Error).message });
    return entityPolicyOf(cachePolicyOf([], config.cache));
  }
}

/** The gateway's features, in the order they wrap each subgraph fetch (the first outermost). */
function gatewayPlugins(config: GatewayConfig, registry: Registry, telemetry: GraphQLTelemetry<GatewayContext>, subscriptionStats: () => EngineStats, logger: Logger): GatewayPlugin[] {
  const { security } = config;
  const entities = entityPolicy(config, logger);
  return [
    // Before telemetry: a client's mistake gets its code before errors are counted and logged.
    clientErrors(),
    { name: 'telemetry', apollo: telemetry.plugin },
    rateLimit({
      max: security.rateLimitMax,
      windowSeconds: security.rateLimitWindowSeconds,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      logger,
      onRejected: telemetry.countRejections,
    }),
    documentLimits(security, telemetry.countRejections),
    // Outside metrics, de-duplication and the transport: an answer from the cache is no fetch.
    caching(config.cache, entities, logger),
    gatewayMetrics(registry, subscriptionStats),
    forwardAuthorization(config.internalSecret, entities),
    // Inside forward-authorization: requests with other credentials are never shared.
    inflightDeduplication(),
    // Inside de-duplication: a shared fetch is read once, against the first request's budget.
    responseBudget(security.maxResponseBytes),
    // Inside de-duplication: each request's own traceparent would keep identical fetches apart.
    traceSubgraphFetches(),
    subgraphErrorPassThrough(),
    subgraphTimeout(config.subgraphTimeoutMs),
    operationLimits(security),
    shortLinks(config.shortLinks, logger),
    livePage(),
    ...(config.graphiql ? [graphiql()] : []),
  ];
}

/**
 * An error a subgraph answered with (the executor names the subgraph): that subgraph logged
 * it with its cause. A fetch that failed outright (a subgraph down) is the gateway's to log.
 */
const raisedBySubgraph = (error: GraphQLError): boolean => error.extensions?.['serviceName'] !== undefined;

/** What `/ready` needs: every subgraph answering its own `/ready`. */
function subgraphsReady(dataSources: Record<string, SubgraphDataSource>): Record<string, () => Promise<unknown>> {
  return Object.fromEntries(
    Object.values(dataSources).map((source) => [
      `subgraph ${source.service}`,
      async () => {
        const response = await fetch(new URL('/ready', source.url), { signal: AbortSignal.timeout(1_500) });
        if (!response.ok) throw new Error(`${source.service} is not ready`);
      },
    ]),
  );
}

/**
 * The federation gateway: one GraphQL endpoint over every subgraph in the supergraph,
 * over HTTP and, on the same path, WebSocket (graphql-ws) with federated subscriptions.
 */
export async function startGateway(config: GatewayConfig, { logOutput }: { logOutput?: LogOutput } = {}): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.logLevel, config.production, logOutput);
  const secretWarning = internalSecretWarning(config.internalSecret, config.production);
  if (secretWarning) logger.warn(secretWarning);
  const registry = createMetricsRegistry('gateway');
  const telemetry = graphqlTelemetry<GatewayContext>({ registry, logger, accessLog: 'info', loggedElsewhere: raisedBySubgraph });
  const supergraphSdl = readSupergraph(config.supergraphPath);
  // One data source per subgraph, shared by queries and subscription events alike.
  const dataSources: Record<string, SubgraphDataSource> = {};
  const planner = new SubscriptionPlanner(supergraphSdl);
  const upstream = new UpstreamSubscriptions((service) => {
    const source = dataSources[service];
    if (!source) throw new Error(`No subgraph named ${service}`);
    return source.url;
  }, logger);
  const engine = new SubscriptionEngine(planner, upstream, dataSources, (result) => formatResult(result, { production: config.production }), logger);
  const plugins = gatewayPlugins(config, registry, telemetry, () => engine.stats(), logger);
  const admitters = plugins.flatMap((plugin) => (plugin.admit ? [plugin.admit] : []));
  const admit = async (client: ClientIdentity, source: string | undefined): Promise<void> => {
    for (const admitClient of admitters) await admitClient(client, source);
  };
  const transport = createSubgraphTransport();
  const fetchSubgraph = composeSubgraphFetch(plugins, transport.fetch);
  const gateway = new Gateway({
    supergraphSdl,
    buildService: ({ name, url }) => (dataSources[name] = new SubgraphDataSource(name, config.subgraphUrls[name] ?? url ?? '', fetchSubgraph)),
    logger: apolloLogger(logger),
  });
  const verifier = createTokenVerifier(config.verification);

  const router = new Router();
  const httpServer = createHttpServer(router, logger);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    // Without introspection, "did you mean …?" hints would leak the schema anyway.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    csrfPrevention: true,
    // graphql-js stops lexing past this many tokens: a parse costs no more than that.
    parseOptions: { maxTokens: config.security.maxTokens },
    includeStacktraceInErrorResponses: !config.production,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted) => formatError(config.introspection ? formatted : hideSchemaHints(formatted), { production: config.production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.sandbox ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      ...apolloPlugins(plugins),
    ],
    logger: apolloLogger(logger),
  });
  await apollo.start();

  router.on(
    GRAPHQL_PATH,
    graphqlHandler(
      apollo,
      async (request, body) => {
        // Here, before Apollo Server parses anything: a refusal is answered with its status (429, 400).
        const address = clientAddress(request, config.trustedProxyHops);
        const viewer = await requestViewer(request, verifier).catch(async (error: unknown) => {
          // A bad token still costs its address a request: forged tokens are no way around the limit.
          await admit({ address, userId: undefined }, undefined);
          throw error;
        });
        await admit({ address, userId: viewer?.id }, requestQuery(request, body));
        return { viewer, authorization: request.headers.authorization, clientAddress: address };
      },
      {
        cors: { origins: config.corsOrigins },
        bodyLimit: CLIENT_BODY_LIMIT,
        tracerName: 'gateway',
        logger,
        onRejected: telemetry.countRejections,
      },
    ),
  );
  const probes = serveProbes(router, () => failingChecks(subgraphsReady(dataSources)));
  const services: GatewayServices = { subgraphUrl: (name) => dataSources[name]?.url, metrics: registry };
  for (const plugin of plugins) plugin.routes?.(router, services);

  const webSocket = serveGatewayWebSocket({
    httpServer,
    apollo,
    engine,
    planner,
    verifier,
    introspection: config.introspection,
    production: config.production,
    logger,
    onRejected: telemetry.countRejections,
    admit,
    trustedProxyHops: config.trustedProxyHops,
    limits: config.security,
    allowOrigin: (origin) => originAllowed(origin, { origins: config.corsOrigins }),
  });

  const port = await listen(httpServer, config.port, config.host);
  const url = localUrl(config.host, port, GRAPHQL_PATH);
  logger.info('gateway listening', { url });
  return {
    url,
    port,
    router,
    explorers: { sandbox: config.sandbox, graphiql: config.graphiql },
    subscriptionStats: () => engine.stats(),
    stop: once(async () => {
      await probes.drain(config.shutdownDelayMs);
      await webSocket.close();
      await upstream.close();
      await apollo.stop();
      for (const plugin of plugins) await plugin.stop?.();
      await transport.close();
    }),
  };
}
