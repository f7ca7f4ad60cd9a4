import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { defaultFieldResolver, execute, parse, validate } from 'graphql';
import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { AccountCheck } from '../auth/account-check.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { badUserInput, formatError, formatResult, unauthenticated } from '../errors.js';
import { clientAddress } from '../http/client-address.js';
import { internalCallerCheck } from '../http/internal-caller.js';
import { GRAPHQL_PATH, graphqlHandler, requestViewer, SUBGRAPH_BODY_LIMIT } from '../http/graphql-route.js';
import type { DirectExecutor } from '../http/graphql-route.js';
import { authenticateConnection, serveGraphqlWs, subscribeWithFreshContext } from '../http/graphql-ws.js';
import { createHttpServer, listen, localUrl } from '../http/http-server.js';
import type { Router } from '../http/http-server.js';
import { failingChecks, serveProbes } from '../http/probes.js';
import { graphqlTelemetry } from '../observability/graphql-telemetry.js';
import { apolloLogger } from '../observability/logger.js';
import type { Logger } from '../observability/logger.js';
import { metricsRoute, scrapedGauge } from '../observability/metrics.js';
import type { Registry } from '../observability/metrics.js';
import { projectPath } from '../paths.js';
import { SUBGRAPH_LIMITS, SUBGRAPH_RULES, SubgraphOperationLimits } from './operation-limits.js';
import { checkInputCharacters, inputCharactersPlugin } from './input-characters.js';
import { directExecutor } from './direct-execution.js';

/** What every subgraph's request context holds; each domain adds its loaders and services. */
export interface SubgraphContext {
  viewer: Viewer | null;
}

/** What a context may need to know of the request besides its viewer. */
export interface RequestFacts {
  /** The client's address as the gateway saw it: the key of per-client limits. */
  clientAddress: string;
}

export interface SubgraphServerOptions<TContext extends SubgraphContext> {
  name: string;
  /** Generated resolver maps (codegen's `Resolvers`) are structurally what Apollo expects. */
  resolvers: object;
  verifier: TokenVerifier;
  /** Called once per request with the verified viewer: a fresh set of DataLoaders each time. */
  createContext: (viewer: Viewer | null, request: RequestFacts) => TContext;
  /** Whether a token's user still has an account: asked once per mutation request that carries a token. */
  accountExists: AccountCheck;
  /** What the subgraph needs to serve (its database, Redis): named checks for `/ready`. */
  readiness: Record<string, () => Promise<unknown>>;
  /** How long `/ready` fails before the server drains, when it stops. */
  shutdownDelayMs: number;
  /** The process's Prometheus registry, served at `/metrics`. */
  registry: Registry;
  /** The domain's own HTTP routes, beside `/graphql` and `/health`. */
  router: Router;
  production: boolean;
  logger: Logger;
  port: number;
  host: string | undefined;
  /** Shared with the gateway: only a request carrying it may name the client's address. */
  internalSecret: string;
  /** Whether the gateway's plain requests skip Apollo Server's pipeline (direct-execution.ts). */
  directExecution: boolean;
}

/** Subscriptions a subgraph has served over WebSocket: what the gateway's sharing is measured by. */
export interface SubscriptionStats {
  opened: number;
  active: number;
}

export interface RunningServer {
  /** Where the GraphQL endpoint answers, e.g. `http://localhost:4001/graphql`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface RunningSubgraph extends RunningServer {
  subscriptions: SubscriptionStats;
}

/** The SDL a subgraph serves: `subgraphs/<name>/schema.graphql`, the file supergraph.yaml points at. */
export function loadTypeDefs(name: string): DocumentNode {
  return parse(readFileSync(projectPath('subgraphs', name, 'schema.graphql'), 'utf8'));
}

export function buildSchema(name: string, resolvers: object): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: loadTypeDefs(name), resolvers: resolvers as never });
}

/**
 * Makes every mutation of the schema refuse a token whose user no longer has an account
 * (UNAUTHENTICATED), before its resolver runs. Access tokens live 15 minutes and are
 * verified without asking users; a deleted account's token would otherwise still write
 * rows that point at nobody. Reads are left alone: they write nothing. Done here, once,
 * so no domain's mutation can forget it; asked once per request.
 */
function refuseVanishedAccounts(schema: GraphQLSchema, accountExists: AccountCheck): void {
  const answers = new WeakMap<object, Promise<boolean>>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, context: SubgraphContext, info) => {
      if (context.viewer) {
        let exists = answers.get(context);
        if (!exists) answers.set(context, (exists = accountExists(context.viewer.id)));
        if (!(await exists)) throw unauthenticated('The account of this access token no longer exists.');
      }
      return resolve(source, args, context, info);
    };
  }
}

/**
 * Serves a subgraph: Apollo Server on `/graphql` for HTTP, graphql-ws on the same path for
 * subscriptions, `/health` and `/ready`, `/metrics`, and the domain's own routes.
 */
/**
 * A subgraph's clients come through the gateway, which sets `X-Forwarded-For` to the one
 * address it trusts (replacing whatever the client sent) and proves itself with the
 * internal secret. Anyone else who reaches the port is keyed by its own address, whatever
 * `X-Forwarded-For` it sends: otherwise a new header per request would escape every
 * per-address limit (sign-up).
 */
const GATEWAY_HOP = 1;

/** What Apollo Server does with a subgraph's HTTP request before executing it, for graphql-ws: errors are BAD_USER_INPUT as there. */
function parseAndValidate(schema: GraphQLSchema, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }): ExecutionArgs | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: SUBGRAPH_LIMITS.maxTokens });
  } catch (error) {
    return [badUserInput(error instanceof Error ? error.message : 'The operation cannot be parsed.')];
  }
  const errors = validate(schema, document, SUBGRAPH_RULES);
  if (errors.length > 0) return errors.map((error) => badUserInput(error.message));
  return { schema, document, operationName: payload.operationName ?? undefined, variableValues: payload.variables ?? undefined };
}

export async function startSubgraphServer<TContext extends SubgraphContext>(options: SubgraphServerOptions<TContext>): Promise<RunningSubgraph> {
  const { name, verifier, logger, production, router } = options;
  const httpServer = createHttpServer(router, logger);
  const schema = buildSchema(name, options.resolvers);
  refuseVanishedAccounts(schema, options.accountExists);
  const telemetry = graphqlTelemetry<TContext>({ registry: options.registry, logger, accessLog: 'debug' });
  const apollo = new ApolloServer<TContext>({
    schema,
    // Its own limits, whoever calls: the gateway is not the only way to this port.
    validationRules: [SubgraphOperationLimits],
    parseOptions: { maxTokens: SUBGRAPH_LIMITS.maxTokens },
    formatError: (formatted) => formatError(formatted, { production }),
    includeStacktraceInErrorResponses: !production,
    // From the settings rather than Apollo's own read of NODE_ENV, as the direct path decides.
    introspection: !production,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo adds both by default and they run per field: nothing here reads cache hints
      // (no @cacheControl, the gateway sends no Cache-Control on), and no gateway asks for
      // federated traces (ftv1, for Apollo Studio). Measured by bench/subgraphs.ts.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      inputCharactersPlugin<TContext>(),
      telemetry.plugin,
    ],
    logger: apolloLogger(logger),
  });
  await apollo.start();

  const fromGateway = internalCallerCheck(options.internalSecret);
  const addressOf = (request: IncomingMessage): string => clientAddress(request, fromGateway(request) ? GATEWAY_HOP : 0);
  const context = async (request: IncomingMessage): Promise<TContext> =>
    options.createContext(await requestViewer(request, verifier), { clientAddress: addressOf(request) });
  // Once Apollo Server stops it refuses every request; the direct path must not outlive it.
  let stopping = false;
  const executeDirectly = options.directExecution ? directExecutor<TContext>({ schema, production, telemetry: telemetry.direct }) : undefined;
  const direct: DirectExecutor<TContext> | undefined = executeDirectly && ((request, body, context) => (stopping ? Promise.resolve(undefined) : executeDirectly(request, body, context)));
  router.on(GRAPHQL_PATH, graphqlHandler(apollo, context, { bodyLimit: SUBGRAPH_BODY_LIMIT, tracerName: name, logger }, direct));
  router.on('/metrics', metricsRoute(options.registry));
  const probes = serveProbes(router, () => failingChecks(options.readiness));

  const subscriptions: SubscriptionStats = { opened: 0, active: 0 };
  scrapedGauge(options.registry, 'graphql_subscriptions_active', 'Subscriptions this subgraph serves over WebSocket (the gateway shares them).', [], (set) => set({}, subscriptions.active));
  // The context option hands graphql-ws a context factory; execute and subscribe call it.
  const webSocket = serveGraphqlWs(httpServer, GRAPHQL_PATH, {
    schema,
    onConnect: (ctx) => authenticateConnection(ctx, verifier),
    // Parsed and validated here with the same limits as HTTP: graphql-ws's defaults (no
    // maxTokens, the standard rules only) would let a socket run what HTTP refuses.
    onSubscribe: (_ctx, _id, payload) => parseAndValidate(schema, payload),
    context: (ctx) => () => options.createContext(ctx.extra.identity?.viewer ?? null, { clientAddress: addressOf(ctx.extra.request) }),
    execute: (args) => {
      const refused = checkInputCharacters(args.document, args.variableValues);
      return refused ? { errors: [refused] } : execute({ ...args, contextValue: (args.contextValue as () => TContext)() });
    },
    subscribe: (args) => {
      const refused = checkInputCharacters(args.document, args.variableValues);
      if (refused) return { errors: [refused] };
      subscriptions.opened += 1;
      subscriptions.active += 1;
      return subscribeWithFreshContext(args, args.contextValue as () => TContext, () => (subscriptions.active -= 1));
    },
    onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatError(error.toJSON(), { production })),
    onNext: (_ctx, _id, _payload, _args, result) => formatResult(result, { production }),
  });

  const port = await listen(httpServer, options.port, options.host);
  const url = localUrl(options.host, port, GRAPHQL_PATH);
  logger.info('subgraph listening', { url });
  return {
    url,
    port,
    subscriptions,
    async stop() {
      await probes.drain(options.shutdownDelayMs);
      await webSocket.close();
      stopping = true;
      await apollo.stop();
    },
  };
}
