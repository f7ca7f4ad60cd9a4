import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { viewerFromAuthorization } from '../auth/token-verifier.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { applyCors } from './cors.js';
import type { CorsOptions } from './cors.js';
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

