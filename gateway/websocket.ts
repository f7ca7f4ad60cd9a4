import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { getOperationAST, getVariableValues, GraphQLError, NoSchemaIntrospectionCustomRule, parse, print, specifiedRules, validate } from 'graphql';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { TokenVerifier } from '../platform/auth/token-verifier.js';
import { appError, badUserInput, formatError } from '../platform/errors.js';
import { GRAPHQL_PATH } from '../platform/http/graphql-route.js';
import { authenticateConnection, mapAsyncIterator, serveGraphqlWs } from '../platform/http/graphql-ws.js';
import type { ConnectionIdentity, SocketContext } from '../platform/http/graphql-ws.js';
import type { Logger } from '../platform/observability/logger.js';
import type { GatewayContext } from './context.js';
import { clientAddress } from '../platform/http/client-address.js';
import type { ClientIdentity } from './client.js';
import type { SecuritySettings } from './config.js';
import { limitErrors } from './plugins/limits.js';
import { withoutSchemaHints } from './plugins/schema-hints.js';
import { ClientQuotas } from './subscriptions/client-quotas.js';
import type { SubscriptionEngine } from './subscriptions/engine.js';
import type { SubscriptionPlanner } from './subscriptions/planner.js';

/**
 * Operations one socket may hold at once: its subscriptions, and its queries whose results
 * are not yet written (graphql-ws holds an operation until the socket took its result).
 */
const MAX_OPERATIONS_PER_SOCKET = 100;
/** graphql-ws closes a socket the client's quota has no room for with this (as HTTP's 429). */
const TOO_MANY_SOCKETS = 4429;

interface OperationContext {
  query: string;
  identity: ConnectionIdentity;
  client: ClientIdentity;
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
  /** Refuses an operation before any work (rate limiting, document limits), as for HTTP. */
  admit: (client: ClientIdentity, source: string | undefined) => Promise<void>;
  trustedProxyHops: number;
  limits: SecuritySettings;
  allowOrigin: (origin: string) => boolean;
}

/** What graphql-ws iterates after a result was written straight to the socket: nothing, then `complete`. */
const NOTHING_MORE: AsyncIterable<ExecutionResult> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
};

/** A RATE_LIMITED refusal by a socket limit; `limit` labels it in graphql_operations_rejected_total, as HTTP's refusals are. */

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

  const { limits } = options;
  const hints = (message: string): string => (options.introspection ? message : withoutSchemaHints(message));
  const sockets = new ClientQuotas(limits.wsMaxSocketsPerClient);
  const subscriptions = new ClientQuotas(limits.wsMaxSubscriptionsPerClient);
  const clientOf = (ctx: SocketContext): ClientIdentity => ({ address: clientAddress(ctx.extra.request, options.trustedProxyHops), userId: ctx.extra.identity?.viewer?.id });

  /** Counts a refusal (as HTTP's are counted) and hands it back to be answered. */
  const counted = (errors: readonly GraphQLError[]): readonly GraphQLError[] => (options.onRejected(errors), errors);
  const refuse = (limit: string, message: string): readonly GraphQLError[] => counted([appError('RATE_LIMITED', message, { limit })]);

  const onConnect = async (ctx: SocketContext): Promise<boolean> => {
    if (!(await authenticateConnection(ctx, verifier))) return false;
    const release = sockets.acquire(clientOf(ctx));
    if (!release) {
      refuse('sockets', 'Too many sockets from this client');
      ctx.extra.socket.close(TOO_MANY_SOCKETS, 'Too many sockets from this client');
      return false;
    }
    ctx.extra.socket.once('close', release);
    return true;
  };

  const onSubscribe = async (ctx: SocketContext, id: string, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) => {
    if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
      return refuse('socket_operations', `A socket may hold at most ${MAX_OPERATIONS_PER_SOCKET} operations at once (subscriptions, and results not yet read).`);
    }
    const client = clientOf(ctx);
    try {
      await options.admit(client, payload.query);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [badUserInput(error instanceof Error ? error.message : 'The operation cannot be parsed.')];
    }
    const validationErrors = validate(planner.apiSchema, document, rules);
    if (validationErrors.length > 0) return validationErrors.map((error) => badUserInput(hints(error.message)));
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) return [badUserInput('The document must hold exactly one operation, or operationName must pick one.')];
    const coerced = getVariableValues(planner.apiSchema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors.map((error) => badUserInput(hints(error.message)));
    const refused = limitErrors(planner.apiSchema, document, coerced.coerced, operationName, limits);
    if (refused.length > 0) return counted(refused);
    const socket = ctx.extra.socket;
    // A graphql-ws `next` message around a result serialised once for every client of a topic.
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    const context: OperationContext = {
      // Printed, so clients that format one operation differently still share it.
      query: print(document),
      identity: ctx.extra.identity ?? { viewer: null, authorization: undefined },
      client,
      send: (resultJson) => {
        // Closed, or ended by the client's `complete`: nobody reads this result.
        if (socket.readyState !== socket.OPEN || !(id in ctx.subscriptions)) return true;
        if (socket.bufferedAmount > limits.wsMaxBufferedBytes) return false;
        socket.send(`${prefix}${resultJson}}`);
        return true;
      },
    };
    return { schema: planner.apiSchema, document, operationName, variableValues: coerced.coerced, contextValue: context } satisfies ExecutionArgs;
  };

  return serveGraphqlWs(options.httpServer, GRAPHQL_PATH, {
    onConnect,
    onSubscribe,
    subscribe: (args) => {
      const { query, identity, send, client } = args.contextValue as OperationContext;
      const release = subscriptions.acquire(client);
      if (!release) {
        return { errors: refuse('subscriptions', 'This client holds as many subscriptions as it may; end one first.') };
      }
      try {
        const events = engine.subscribe({ query, document: args.document, operationName: args.operationName ?? undefined, variables: args.variableValues ?? {}, identity, send });
        return mapAsyncIterator(events, (result) => result, release);
      } catch (error) {
        release();
        if (error instanceof GraphQLError) return { errors: [error] };
        options.logger.error('subscription could not be planned', { error });
        return { errors: [new GraphQLError('The subscription could not be planned.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      }
    },
    execute: async (args): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> => {
      const { query, identity, send, client } = args.contextValue as OperationContext;
      const response = await apollo.executeOperation(
        { query, variables: args.variableValues ?? {}, operationName: args.operationName ?? undefined },
        // The client's address goes with mutations, as for HTTP: else subgraphs would count
        // every socket's sign-ups under the gateway's own address.
        { contextValue: { viewer: identity.viewer, authorization: identity.authorization, clientAddress: client.address } },
      );
      if (response.body.kind !== 'single') return { errors: [badUserInput('Incremental delivery (@defer, @stream) is not available over WebSocket.')] };
      // Written here, as subscription events are, so the unread-bytes check and the write are
      // one step: checked in graphql-ws's onNext, every result of a burst of queries passed
      // the check before the first was written (the socket's buffer was still empty). Apollo
      // Server already formatted the errors. A client past the limit gets a small error
      // through graphql-ws instead, and the result is dropped.
      if (send(JSON.stringify(response.body.singleResult))) return NOTHING_MORE;
      return { errors: refuse('unread_bytes', 'Earlier results on this socket are still unread; read them first.') };
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
    onError: (_ctx, _id, _payload, errors) => format(errors),
  }, { allowOrigin: options.allowOrigin, logger: options.logger });
}
