import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { appError } from '../errors.js';
import { viewerFromAuthorization } from '../auth/token-verifier.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { contextFrom, inSpan, SpanKind } from '../observability/tracing.js';
import { applyCors } from './cors.js';
import type { CorsOptions } from './cors.js';
import type { Logger } from '../observability/logger.js';
import { sendJson } from './http-server.js';
import type { RouteHandler } from './http-server.js';

export const GRAPHQL_PATH = '/graphql';
/** Request bodies the gateway takes from clients. */
export const CLIENT_BODY_LIMIT = 1024 * 1024;
/**
 * Request bodies a subgraph takes from the gateway: entity representations can be large
 * (homeTimeline sends up to 5,000 followed ids per user). Subgraphs are not public.
 */
export const SUBGRAPH_BODY_LIMIT = 32 * 1024 * 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export interface GraphqlRouteOptions {
  cors?: CorsOptions;
  bodyLimit: number;
  /** Names this server's spans: every request is a span continuing the caller's trace. */
  tracerName: string;
  /** Where client noise (a malformed or oversized body, an aborted upload) goes: one debug line each. */
  logger?: Logger;
  /** Told of a body refused for its size (413), as a refusal by the `body_bytes` limit. */
  onRejected?: (errors: readonly GraphQLError[]) => void;
}

/**
 * Answers a request before Apollo Server does, or returns undefined to leave it to Apollo
 * Server. `context` makes the request's context: Apollo Server gets the same one, or makes
 * its own when making it failed.
 */
export type DirectExecutor<TContext> = (request: IncomingMessage, body: unknown, context: () => Promise<TContext>) => Promise<HTTPGraphQLResponse | undefined>;

/**
 * Makes a request's context before Apollo Server parses anything; `body` is the parsed JSON
 * body (undefined for GET). Throwing a GraphQLError with `extensions.http` answers with it.
 */
export type RequestContext<TContext> = (request: IncomingMessage, body: unknown) => Promise<TContext>;

/**
 * The operation text a request carries, as the client sent it: the JSON body's `query`, or
 * a GET request's `query` parameter. Undefined when there is none (an APQ hash alone, a
 * batch, which Apollo Server refuses).
 */
export function requestQuery(request: IncomingMessage, body: unknown): string | undefined {
  if (request.method === 'GET') {
    const url = request.url ?? '';
    return new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '').get('query') ?? undefined;
  }
  const query = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { query?: unknown }).query : undefined;
  return typeof query === 'string' ? query : undefined;
}

/**
 * The GraphQL route: hands the request to `direct` when given, then to Apollo Server if
 * `direct` leaves it, and writes the answer back,
 * compressed when the client accepts it and it is large. Each request is a server span that
 * continues the trace in the request's `traceparent` (the gateway's fetch, or a client's).
 */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: RequestContext<TContext>,
  { cors, bodyLimit, tracerName, logger, onRejected }: GraphqlRouteOptions,
  direct?: DirectExecutor<TContext>,
): RouteHandler {
  return (request, response) =>
    inSpan(tracerName, `${request.method ?? 'GET'} ${GRAPHQL_PATH}`, () => handle(apollo, direct, context, request, response, { cors, bodyLimit, logger, onRejected }), {
      kind: SpanKind.SERVER,
      parent: contextFrom(request.headers),
    });
}

async function handle<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  direct: DirectExecutor<TContext> | undefined,
  context: RequestContext<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
  { cors, bodyLimit, logger, onRejected }: { cors?: CorsOptions | undefined; bodyLimit: number; logger?: Logger | undefined; onRejected?: ((errors: readonly GraphQLError[]) => void) | undefined },
): Promise<void> {
  if (cors && applyCors(request, response, cors)) return;
  const body = await readBody(request, bodyLimit);
  if (body instanceof Error) {
    // The client's doing, not the server's: worth a line when debugging a client, never an error.
    logger?.debug('client error', { reason: body.message, path: GRAPHQL_PATH, method: request.method });
    const tooLarge = body.message === 'too large';
    const message = tooLarge ? `The request body is larger than ${bodyLimit} bytes.` : 'The request body is not valid JSON.';
    if (tooLarge) onRejected?.([appError('BAD_USER_INPUT', message, { limit: 'body_bytes' })]);
    refuseBody(request, response, body, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    return;
  }
  // The context the direct path made, kept for Apollo Server when the direct path leaves it
  // the request (variables that do not coerce, say): no resolver has used it. One that failed
  // (a bad token) is not kept: Apollo Server makes its own, and answers with its own error.
  let made: Promise<TContext> | undefined;
  const answer =
    direct &&
    (await direct(request, body, async () => {
      made = context(request, body);
      try {
        return await made;
      } catch (error) {
        made = undefined;
        throw error;
      }
    }));
  if (answer) return writeResult(request, response, answer);
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = request.url ?? '/';
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.includes('?') ? url.slice(url.indexOf('?')) : '', body },
    context: () => made ?? context(request, body),
  });
  await writeResult(request, response, result);
}

/**
 * The parsed JSON body, the raw text for other content types, or an Error saying what is
 * wrong: `too large`, `invalid json`, or `aborted` (the client went away mid-body). Read with
 * 'data' events rather than `for await`, whose async iterator per request showed in the
 * gateway's and the subgraphs' CPU profiles. A body found too large is left unread, mid-way
 * or from its Content-Length: the caller answers 413 and closes the connection.
 */
export function readBody(request: IncomingMessage, bodyLimit: number): Promise<unknown> {
  if (request.method !== 'POST') return Promise.resolve(undefined);
  if (Number(request.headers['content-length'] ?? 0) > bodyLimit) return Promise.resolve(new Error('too large'));
  // Its 'end' or 'close' will not come again: waiting for them would never settle.
  if (request.readableEnded || request.destroyed) return Promise.resolve(new Error('aborted'));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: unknown): void => {
      request.off('data', onData).off('end', onEnd).off('error', onAborted).off('close', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > bodyLimit) {
        request.pause();
        settle(new Error('too large'));
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => settle(parseBody(request, Buffer.concat(chunks).toString('utf8')));
    // Reading a request fails only when its connection does: a reset, an upload cut short.
    const onAborted = (): void => settle(new Error('aborted'));
    request.on('data', onData).once('end', onEnd).once('error', onAborted).once('close', onAborted);
    // A 'data' listener does not restart a request someone paused.
    request.resume();
  });
}

/**
 * Answers a request whose body `readBody` refused with `answer`: 413 for one too large, whose
 * unread rest is still on the wire, so the connection is closed after it; 400 for invalid
 * JSON; nothing for an aborted upload, since nobody is left to answer.
 */
export function refuseBody(request: IncomingMessage, response: ServerResponse, refusal: Error, answer: unknown): void {
  if (refusal.message === 'aborted') return;
  if (refusal.message !== 'too large') return sendJson(response, 400, answer);
  response.once('finish', () => request.destroy());
  sendJson(response, 413, answer, { connection: 'close' });
}

function parseBody(request: IncomingMessage, text: string): unknown {
  if (!(request.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return new Error('invalid json');
  }
}

/** Bodies smaller than this go uncompressed: compressing them costs more than it saves. */
const COMPRESS_FROM_BYTES = 1_024;

async function writeResult(request: IncomingMessage, response: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    const body = result.body.string;
    const encoding = Buffer.byteLength(body) >= COMPRESS_FROM_BYTES ? acceptedEncoding(request.headers['accept-encoding']) : undefined;
    if (!encoding) return void response.end(body);
    response.setHeader('content-encoding', encoding);
    response.setHeader('vary', 'accept-encoding');
    response.end(await compress(body, encoding));
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** Brotli when the client takes it, gzip otherwise, none when it takes neither. */
function acceptedEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = (header ?? '').split(',').map((part) => part.trim().split(';')[0]);
  return accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
}

/** Brotli at quality 4: most of its gain on JSON at a small part of its top setting's CPU. */
const compress = (body: string, encoding: 'br' | 'gzip'): Promise<Buffer> =>
  encoding === 'br'
    ? brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(body) } })
    : gzip(body, { level: 5 });

/**
 * The viewer of an HTTP request, for a context function. A bad token fails the request with
 * HTTP 401 and UNAUTHENTICATED.
 */
export async function requestViewer(request: IncomingMessage, verifier: TokenVerifier): Promise<Viewer | null> {
  try {
    return await viewerFromAuthorization(request.headers.authorization, verifier);
  } catch (error) {
    if (error instanceof GraphQLError) {
      throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
    }
    throw error;
  }
}
