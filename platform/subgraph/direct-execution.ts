import type { IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { execute, getOperationAST, NoSchemaIntrospectionCustomRule, parse, validate } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { formatError } from '../errors.js';
import type { DirectExecutor } from '../http/graphql-route.js';
import type { DirectTelemetry } from '../observability/graphql-telemetry.js';
import { SUBGRAPH_LIMITS, SUBGRAPH_RULES } from './operation-limits.js';
import { checkInputCharacters } from './input-characters.js';

export interface DirectExecutionOptions {
  schema: GraphQLSchema;
  production: boolean;
  telemetry: DirectTelemetry;
}

/** Documents remembered, valid or not: the gateway sends a subgraph a few dozen distinct ones. */
const DOCUMENT_CACHE_SIZE = 1_000;

/** The content type Apollo Server gives a single result when the client accepts JSON. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What a plain JSON POST from the gateway looks like, as Apollo Server's own checks would read it. */
interface PlainRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The requests the direct path takes: a POST of JSON that accepts JSON back, with a query,
 * no persisted-query or other extensions, variables an object. Anything else (GET, APQ, a
 * body Apollo Server would refuse) is Apollo Server's to answer, with its own messages.
 */
function plainRequest(request: IncomingMessage, body: unknown): PlainRequest | undefined {
  if (request.method !== 'POST' || !isRecord(body)) return undefined;
  // Any other type is Apollo Server's to refuse (its CSRF check), whatever our body reader parsed.
  if ((request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') return undefined;
  const accept = request.headers.accept;
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return undefined;
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== 'string' || query === '' || extensions !== undefined) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
  return body as unknown as PlainRequest;
}

/**
 * A subgraph's HTTP requests as the gateway sends them, executed without Apollo Server's
 * request pipeline: parsed and validated once per distinct document (with the subgraph's
 * own limits), executed by graphql-js, and answered as Apollo Server would answer them:
 * the same status, content type and body, errors formatted by the same `formatError`, and
 * the same telemetry. bench/subgraphs.ts measured the pipeline (its hooks, hashing, header
 * negotiation) at a tenth of a subgraph's CPU per fetch.
 *
 * Whatever could be refused goes to Apollo Server instead, so that every refusal keeps its
 * one implementation: an unusual request, a document that does not parse or validate, an
 * operation name that matches nothing, a forbidden character, a context that cannot be made
 * (a bad token), variables that do not fit. None of these has run a resolver when it is
 * handed over, so nothing runs twice.
 */
export function directExecutor<TContext>({ schema, production, telemetry }: DirectExecutionOptions): DirectExecutor<TContext> {
  // Apollo Server's rules for the subgraph: its own limits, and no introspection in production.
  const rules = [...SUBGRAPH_RULES, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
  const documents = new Map<string, DocumentNode | null>();
  const documentOf = (query: string): DocumentNode | null => {
    let document = documents.get(query);
    if (document !== undefined) return document;
    try {
      const parsed = parse(query, { maxTokens: SUBGRAPH_LIMITS.maxTokens });
      document = validate(schema, parsed, rules).length === 0 ? parsed : null;
    } catch {
      document = null;
    }
    if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
    documents.set(query, document);
    return document;
  };

  return async (request, body, context) => {
    const started = performance.now();
    const plain = plainRequest(request, body);
    if (!plain) return undefined;
    const document = documentOf(plain.query);
    if (!document) return undefined;
    const operation = getOperationAST(document, plain.operationName);
    if (!operation || checkInputCharacters(document, plain.variables)) return undefined;
    let contextValue: TContext;
    try {
      contextValue = await context();
    } catch {
      return undefined;
    }
    const result = await execute({ schema, document, operationName: plain.operationName, variableValues: plain.variables, contextValue });
    // No data at all: the variables did not coerce, before any resolver ran.
    if (result.data === undefined) return undefined;
    const head = { status: 200, headers: new HeaderMap([['content-type', JSON_CONTENT_TYPE]]) };
    const errors = result.errors && formatErrors(result.errors, production, head);
    if (result.errors) telemetry.encountered(result.errors, operation.name?.value ?? plain.operationName);
    telemetry.answered({ started, operation, operationName: plain.operationName, errors: result.errors, status: head.status });
    return { status: head.status, headers: head.headers, body: { kind: 'complete', string: `${JSON.stringify(ordered(result, errors))}\n` } };
  };
}

/** Apollo Server's field order: errors first. */
const ordered = (result: ExecutionResult, errors: GraphQLFormattedError[] | undefined) => ({ errors, data: result.data, extensions: result.extensions });

/**
 * Errors as Apollo Server formats them: a code for every error (INTERNAL_SERVER_ERROR when
 * it has none), an `extensions.http` hint taken out of the error and into the answer's
 * status and headers, the stack trace outside production, then the shared `formatError`.
 */
function formatErrors(errors: readonly GraphQLError[], production: boolean, head: { status: number; headers: HeaderMap }): GraphQLFormattedError[] {
  return errors.map((error) => {
    // `http` never reaches the client: formatError drops it, in production with every other extension not public.
    const { http, ...rest } = error.extensions;
    const extensions: Record<string, unknown> = { ...rest, code: error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR' };
    if (isHttpHead(http)) {
      if (http.status) head.status = http.status;
      for (const [name, value] of http.headers ?? []) head.headers.set(name, value);
    }
    if (!production) extensions['stacktrace'] = error.stack?.split('\n');
    return formatError({ ...error.toJSON(), extensions }, { production });
  });
}

/** Apollo Server's test for a status and headers an error asks for. */
const isHttpHead = (value: unknown): value is { status?: number; headers?: Map<string, string> } =>
  typeof value === 'object' &&
  value !== null &&
  (!('status' in value) || typeof value.status === 'number') &&
  (!('headers' in value) || value.headers instanceof Map);
