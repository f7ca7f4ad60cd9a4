import { GraphQLError } from 'graphql';
import type { ExecutionResult, FormattedExecutionResult, GraphQLFormattedError } from 'graphql';

/** The only codes a client ever sees in `extensions.code` (DESIGN.md, "Errors and bad input"). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes clients act on by protocol: Apollo Client's APQ link resends the full query on PERSISTED_QUERY_NOT_FOUND. */
const PROTOCOL_CODES = ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED'] as const;

export type ProtocolCode = (typeof PROTOCOL_CODES)[number];

const KNOWN_CODES = new Set<string>([...ERROR_CODES, ...PROTOCOL_CODES]);

/**
 * Codes Apollo Server and graphql-js raise for a request the client got wrong. They are
 * folded into BAD_USER_INPUT so that clients handle one fixed set; the message stays.
 */
const CLIENT_FAULT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Extension keys that are part of the public error shape; everything else is dropped in production. */
const PUBLIC_EXTENSIONS = new Set(['code', 'field', 'retryAfterSeconds']);

export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = (message = 'You must be signed in.'): GraphQLError =>
  appError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this.'): GraphQLError => appError('FORBIDDEN', message);

export const notFound = (message: string): GraphQLError => appError('NOT_FOUND', message);

/** `field` names the argument or input field at fault, so a form can show the error beside it. */
export const badUserInput = (message: string, field?: string): GraphQLError =>
  appError('BAD_USER_INPUT', message, field === undefined ? {} : { field });

export const conflict = (message: string, field?: string): GraphQLError =>
  appError('CONFLICT', message, field === undefined ? {} : { field });

export const rateLimited = (retryAfterSeconds: number): GraphQLError =>
  appError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });

/** The code a formatted error carries once folded into the fixed set. */
export function publicCode(error: GraphQLFormattedError): ErrorCode | ProtocolCode {
  const code = error.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) return code as ErrorCode | ProtocolCode;
  if (typeof code === 'string' && CLIENT_FAULT_CODES.has(code)) return 'BAD_USER_INPUT';
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo Server's `formatError` for the gateway and every subgraph. Codes are folded into
 * the fixed set. In production, internal errors lose their message (it may hold SQL or a
 * hostname) and every error loses the extensions that are not part of the public shape
 * (stack traces, service names, upstream details).
 */
export function formatError(error: GraphQLFormattedError, { production }: { production: boolean }): GraphQLFormattedError {
  const code = publicCode(error);
  if (!production) {
    // `http` is a status hint for the HTTP layer, not part of the error.
    const { http: _http, ...extensions } = error.extensions ?? {};
    return { ...error, extensions: { ...extensions, code } };
  }
  const extensions: Record<string, unknown> = { code };
  for (const [key, value] of Object.entries(error.extensions ?? {})) {
    if (PUBLIC_EXTENSIONS.has(key) && key !== 'code') extensions[key] = value;
  }
  const message = code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : error.message;
  return { message, ...(error.locations && { locations: error.locations }), ...(error.path && { path: error.path }), extensions };
}

/** An execution result as it goes on the wire, its errors formatted as `formatError` does. */
export function formatResult(result: ExecutionResult, { production }: { production: boolean }): FormattedExecutionResult {
  const { errors, ...rest } = result;
  return errors ? { ...rest, errors: errors.map((error) => formatError(error.toJSON(), { production })) } : rest;
}
