import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { viewerFromAuthorization } from './auth.js';
import type { TokenVerifier, Viewer } from './auth.js';
import type { Logger } from './logger.js';

export const GRAPHQL_PATH = '/graphql';
/** Request bodies the gateway takes from clients. */
export const CLIENT_BODY_LIMIT = 1024 * 1024;
/**
 * Request bodies a subgraph takes from the gateway: entity representations can be large
 * (homeTimeline sends up to 5,000 followed ids per user). Subgraphs are not public.
 */
export const SUBGRAPH_BODY_LIMIT = 32 * 1024 * 1024;

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Exact path (without query string) to the handler for every method on it. */
export type Routes = Record<string, RouteHandler>;

/**
 * A plain `node:http` server: GraphQL at `/graphql`, the given routes, 404 elsewhere. No
 * framework sits between the socket and Apollo Server.
 */
export function createHttpServer(routes: Routes, logger: Logger): Server {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = routes[path];
    if (!handler) return sendJson(response, 404, { error: 'Not found' });
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      logger.error('request handler failed', { path, error });
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.destroy();
    });
  });
  // Longer than the usual load balancer idle timeout, so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  response.end(payload);
}

export interface CorsOptions {
  /** `*` or the exact origins allowed to call the API from a browser. */
  origins: '*' | string[];
}

/** Answers CORS preflights and adds CORS headers; true when the request was a preflight and is done. */
export function applyCors(request: IncomingMessage, response: ServerResponse, { origins }: CorsOptions): boolean {
  const origin = request.headers.origin;
  if (origin && (origins === '*' || origins.includes(origin))) {
    response.setHeader('access-control-allow-origin', origins === '*' ? '*' : origin);
    if (origins !== '*') response.setHeader('vary', 'Origin');
  }
  if (request.method !== 'OPTIONS') return false;
  response.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      request.headers['access-control-request-headers'] ?? 'content-type, authorization, apollo-require-preflight',
    'access-control-max-age': '86400',
  });
  response.end();
  return true;
}

/** The GraphQL route: hands the request to Apollo Server and streams its answer back. */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (request: IncomingMessage) => Promise<TContext>,
  { cors, bodyLimit }: { cors?: CorsOptions; bodyLimit: number },
): RouteHandler {
  return async (request, response) => {
    if (cors && applyCors(request, response, cors)) return;
    const body = await readBody(request, bodyLimit);
    if (body instanceof Error) {
      // The rest of an oversized body is still on the wire: the connection cannot be reused.
      const tooLarge = body.message === 'too large';
      sendJson(response, tooLarge ? 413 : 400, graphqlErrorBody(body.message, bodyLimit), tooLarge ? { connection: 'close' } : {});
      if (tooLarge) response.once('finish', () => request.destroy());
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = request.url ?? '/';
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.includes('?') ? url.slice(url.indexOf('?')) : '', body },
      context: () => context(request),
    });
    await writeResult(response, result);
  };
}

function graphqlErrorBody(reason: string, bodyLimit: number): unknown {
  const message = reason === 'too large' ? `The request body is larger than ${bodyLimit} bytes.` : 'The request body is not valid JSON.';
  return { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] };
}

/** The parsed JSON body, the raw text for other content types, or an Error saying what is wrong. */
async function readBody(request: IncomingMessage, bodyLimit: number): Promise<unknown> {
  if (request.method !== 'POST') return undefined;
  if (Number(request.headers['content-length'] ?? 0) > bodyLimit) return new Error('too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) return new Error('too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(request.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return new Error('invalid json');
  }
}

async function writeResult(response: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

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

export async function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** The URL a client on this machine uses to reach a server bound to `host`. */
export function localUrl(host: string | undefined, port: number, path: string): string {
  const reachable = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}${path}`;
}
