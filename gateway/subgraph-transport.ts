import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { Agent } from 'undici';
import type { ResponseBudget, SubgraphFetch, SubgraphResponse } from './plugin.js';

/** A subgraph answered with an HTTP status other than 2xx. */
export class SubgraphHttpError extends GraphQLError {
  constructor(
    readonly status: number,
    /** The answer's body: parsed JSON when it was JSON, the text otherwise. */
    readonly body: unknown,
    url: string,
  ) {
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
    super(`${status}: ${STATUS_CODES[status] ?? 'Unknown'}`, { extensions: { ...(code && { code }), response: { url, status, body } } });
  }
}

/**
 * The body as text, refusing (and no longer reading) once it passes what is left of `budget`.
 * Read with 'data' events rather than `for await`: an async iterator per fetch showed in the
 * gateway's CPU profile.
 */
function readWithin(body: Readable, budget: ResponseBudget): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => {
      budget.remainingBytes -= chunk.length;
      if (budget.remainingBytes < 0) {
        body.destroy();
        reject(new GraphQLError(`The response would be larger than ${budget.maxBytes} bytes; ask for less.`, { extensions: { code: 'BAD_USER_INPUT', limit: 'response_bytes' } }));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    body.once('error', reject);
  });
}

export interface SubgraphTransport {
  fetch: SubgraphFetch;
  close(): Promise<void>;
}

/**
 * POSTs subgraph requests over one keep-alive connection pool per gateway with undici's
 * `request`: no web streams or `fetch` machinery per call. `RemoteGraphQLDataSource` ships
 * without a keep-alive agent (DESIGN.md).
 */
export function createSubgraphTransport(): SubgraphTransport {
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 256 });
  // A handful of subgraph URLs, each parsed once rather than per fetch.
  const targets = new Map<string, { origin: string; path: string }>();
  const targetOf = (url: string): { origin: string; path: string } => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      targets.set(url, target);
    }
    return target;
  };
  const fetch: SubgraphFetch = async ({ url, query, variables, operationName, headers, timeoutMs, budget }) => {
    const { origin, path } = targetOf(url);
    const { statusCode, headers: responseHeaders, body } = await agent.request({
      origin,
      path,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
      ...(timeoutMs !== undefined && { headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
    });
    const text = budget ? await readWithin(body, budget) : await body.text();
    const isJson = /^application\/(graphql-response\+)?json/.test(String(responseHeaders['content-type'] ?? ''));
    const parsed: unknown = isJson ? JSON.parse(text) : text;
    if (statusCode < 200 || statusCode >= 300) throw new SubgraphHttpError(statusCode, parsed, url);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
    return parsed as SubgraphResponse;
  };
  return { fetch, close: () => agent.close() };
}
