import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { getOperationAST, getVariableValues, GraphQLError, NoSchemaIntrospectionCustomRule, parse, print, specifiedRules, validate } from 'graphql';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { TokenVerifier } from '../platform/auth/token-verifier.js';
import { formatError } from '../platform/errors.js';
import { GRAPHQL_PATH } from '../platform/http/graphql-route.js';
import { authenticateConnection, serveGraphqlWs } from '../platform/http/graphql-ws.js';
import type { ConnectionIdentity, SocketContext } from '../platform/http/graphql-ws.js';
import type { Logger } from '../platform/observability/logger.js';
import type { GatewayContext } from './context.js';
import { limitErrors } from './plugins/limits.js';
import type { SubscriptionEngine } from './subscriptions/engine.js';
import type { SubscriptionPlanner } from './subscriptions/planner.js';

/** Subscriptions one socket may hold at once. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 100;
/** Bytes a client may leave unread before its subscriptions are ended as too slow. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface OperationContext {
  query: string;
  identity: ConnectionIdentity;
  send(resultJson: string): boolean;
}

export interface GatewayWebSocketOptions {
  httpServer: Server;
  apollo: ApolloServer<GatewayContext>;
  engine: SubscriptionEngine;
  planner: SubscriptionPlanner;
  verifier: TokenVerifier;
  introspection: boolean;
  production: boolean;
  logger: Logger;
  /** Told of operations refused by a limit, for the same metric as HTTP's refusals. */
  onRejected: (errors: readonly GraphQLError[]) => void;
}

const badInput = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Without introspection, "Did you mean …?" would reveal the schema: as over HTTP, it is left out. */
const withoutSuggestions = (message: string): string => message.replace(/ Did you mean .+\?$/, '');

/**
 * graphql-ws on the gateway's `/graphql`. graphql-ws runs outside Apollo Server's request
 * pipeline, so this applies the same checks itself: authentication at `connection_init`,
 * validation (without introspection when it is off), variable coercion and the operation
 * limits. Subscriptions go to the federated subscription engine; queries and mutations
 * sent over the socket go through Apollo Server as if they came over HTTP.
 */
export function serveGatewayWebSocket(options: GatewayWebSocketOptions): { close(): Promise<void> } {
  const { apollo, engine, planner, verifier, production } = options;
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  // Errors from the engine are GraphQLErrors; Apollo Server's (queries, mutations) are already formatted.
  const format = (errors: ReadonlyArray<GraphQLError | GraphQLFormattedError>): GraphQLFormattedError[] =>
    errors.map((error) => (error instanceof GraphQLError ? formatError(error.toJSON(), { production }) : error));

  const onSubscribe = (ctx: SocketContext, id: string, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) => {
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return [new GraphQLError(`A socket may hold at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions.`, { extensions: { code: 'RATE_LIMITED' } })];
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [badInput(error instanceof Error ? error.message : 'The operation cannot be parsed.')];
    }
    const validationErrors = validate(planner.apiSchema, document, rules);
    if (validationErrors.length > 0) return validationErrors.map((error) => badInput(options.introspection ? error.message : withoutSuggestions(error.message)));
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) return [badInput('The document must hold exactly one operation, or operationName must pick one.')];
    const coerced = getVariableValues(planner.apiSchema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors.map((error) => badInput(error.message));
    const limits = limitErrors(planner.apiSchema, document, coerced.coerced, operationName);
    if (limits.length > 0) {
      options.onRejected(limits);
      return limits;
    }
    const socket = ctx.extra.socket;
    // A graphql-ws `next` message around a result serialised once for every client of a topic.
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    const context: OperationContext = {
      // Printed, so clients that format one operation differently still share it.
      query: print(document),
      identity: ctx.extra.identity ?? { viewer: null, authorization: undefined },
      send: (resultJson) => {
        if (socket.readyState !== socket.OPEN) return true;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
        socket.send(`${prefix}${resultJson}}`);
        return true;
      },
    };
    return { schema: planner.apiSchema, document, operationName, variableValues: coerced.coerced, contextValue: context } satisfies ExecutionArgs;
  };

  return serveGraphqlWs(options.httpServer, GRAPHQL_PATH, {
    onConnect: (ctx) => authenticateConnection(ctx, verifier),
    onSubscribe,
    subscribe: (args) => {
      const { query, identity, send } = args.contextValue as OperationContext;
      try {
        return engine.subscribe({ query, document: args.document, operationName: args.operationName ?? undefined, variables: args.variableValues ?? {}, identity, send });
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        options.logger.error('subscription could not be planned', { error });
        return { errors: [new GraphQLError('The subscription could not be planned.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      }
    },
    execute: async (args): Promise<ExecutionResult> => {
      const { query, identity } = args.contextValue as OperationContext;
      const response = await apollo.executeOperation(
        { query, variables: args.variableValues ?? {}, operationName: args.operationName ?? undefined },
        { contextValue: { viewer: identity.viewer, authorization: identity.authorization } },
      );
      if (response.body.kind !== 'single') return { errors: [badInput('Incremental delivery (@defer, @stream) is not available over WebSocket.')] };
      // Apollo Server already formatted these errors; they pass through as they are.
      return response.body.singleResult as ExecutionResult;
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
    onError: (_ctx, _id, _payload, errors) => format(errors),
  });
}
