import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getOperationAST, GraphQLError } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { publicCode } from '../errors.js';
import type { Logger } from './logger.js';
import { boundedLabel, Counter, Histogram, LATENCY_BUCKETS } from './metrics.js';
import type { Registry } from './metrics.js';

export interface GraphQLTelemetryOptions {
  registry: Registry;
  logger: Logger;
  /** The level of the one access line per request: `info` at the gateway, `debug` in subgraphs. */
  accessLog: 'info' | 'debug';
  /**
   * Whether an internal error was already logged where it happened, so this process does not
   * log it again: the gateway receives subgraphs' errors, which their subgraph logged.
   */
  loggedElsewhere?: (error: GraphQLError) => boolean;
}

type Outcome = 'success' | 'client_error' | 'server_error';

/** Which kind of limit an error reports (`extensions.limit`, set by the operation limits). */
// Errors reaching plugins are not always GraphQLErrors (a fetch that failed outright): `extensions` may be missing.
const limitOf = (error: GraphQLError): string | undefined => (typeof error.extensions?.['limit'] === 'string' ? error.extensions['limit'] : undefined);

const outcomeOf = (errors: readonly GraphQLError[] | undefined): Outcome => {
  if (!errors?.length) return 'success';
  return errors.some((error) => publicCode({ message: error.message, extensions: error.extensions }) === 'INTERNAL_SERVER_ERROR') ? 'server_error' : 'client_error';
};

/**
 * What every GraphQL server here reports about its requests: a latency histogram by
 * operation name (bounded), type and outcome; rejected operations by limit; one access line
 * per request (operation, duration, outcome; never variables or tokens); and each internal
 * error logged once, with its cause and stack, in the request's trace.
 */
export interface GraphQLTelemetry<TContext extends BaseContext> {
  plugin: ApolloServerPlugin<TContext>;
  /** Counts refusals made outside Apollo Server's pipeline (the gateway's WebSocket path). */
  countRejections(errors: readonly GraphQLError[]): void;
  /** For requests answered outside Apollo Server (a subgraph's direct path): what the plugin reports of them. */
  direct: DirectTelemetry;
}

/** What the plugin's hooks report, for a request that does not go through them. */
export interface DirectTelemetry {
  /** The errors a request ran into: limits counted, internal errors logged. */
  encountered(errors: readonly GraphQLError[], operationName: string | null | undefined): void;
  /** The request answered: its latency observed and its access line written. */
  answered(request: AnsweredRequest): void;
}

export interface AnsweredRequest {
  /** When it started, as `performance.now()`. */
  started: number;
  operation: OperationDefinitionNode | null | undefined;
  /** The name the request gave, used when the document names no operation. */
  operationName: string | null | undefined;
  errors: readonly GraphQLError[] | undefined;
  status: number;
}

export function graphqlTelemetry<TContext extends BaseContext>({ registry, logger, accessLog, loggedElsewhere = () => false }: GraphQLTelemetryOptions): GraphQLTelemetry<TContext> {
  const operationName = boundedLabel();
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests over HTTP, by operation, type and outcome.',
    labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'graphql_operations_rejected_total',
    help: 'Operations refused before execution, by the limit they broke.',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const countRejections = (errors: readonly GraphQLError[]): void => {
    for (const error of errors) {
      const limit = limitOf(error);
      if (limit) rejected.inc({ limit });
    }
  };
  const direct: DirectTelemetry = {
    encountered(errors, name) {
      countRejections(errors);
      for (const error of errors) {
        if (publicCode({ message: error.message, extensions: error.extensions }) !== 'INTERNAL_SERVER_ERROR' || loggedElsewhere(error)) continue;
        logger.error('internal error', { operation: name ?? null, path: error.path, error: error.originalError ?? error });
      }
    },
    answered({ started, operation, operationName: name, errors, status }) {
      const seconds = (performance.now() - started) / 1000;
      const labels = { operation_name: operationName(operation?.name?.value ?? name), operation_type: operation?.operation ?? 'unknown', outcome: outcomeOf(errors) };
      duration.observe(labels, seconds);
      logger[accessLog]('request', { operation: labels.operation_name, type: labels.operation_type, outcome: labels.outcome, status, durationMs: Math.round(seconds * 10_000) / 10 });
    },
  };
  const plugin: ApolloServerPlugin<TContext> = {
    // Apollo Server answers a context that could not be made with a 500 and logs nothing; a
    // refusal made there on purpose (a bad token, a rate limit, a document limit) has its code.
    async contextCreationDidFail({ error }) {
      if (error instanceof GraphQLError && publicCode({ message: error.message, extensions: error.extensions }) !== 'INTERNAL_SERVER_ERROR') return;
      logger.error('internal error', { phase: 'context', error });
    },
    async requestDidStart() {
      const started = performance.now();
      let errors: readonly GraphQLError[] | undefined;
      return {
        async didEncounterErrors({ errors: encountered, operationName: name, request }) {
          errors = encountered;
          direct.encountered(encountered, name ?? request.operationName);
        },
        async willSendResponse({ operation, document, request, response }) {
          // A document that parsed but failed validation still names its operation: label it so.
          const ast = operation ?? (document ? getOperationAST(document, request.operationName) : null);
          direct.answered({ started, operation: ast, operationName: request.operationName, errors, status: response.http.status ?? 200 });
        },
      };
    },
  };
  return { plugin, countRejections, direct };
}
