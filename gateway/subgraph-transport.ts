import { STATUS_CODES } from 'node:http';
import { GraphQLError } from 'graphql';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { ResponseBudget, SubgraphFetch, SubgraphResponse } from './plugin.js';
import { subgraphBody } from './subgraph-body.js';

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

const tooLarge = (budget: ResponseBudget): GraphQLError =>
  new GraphQLError(`The response would be larger than ${budget.maxBytes} bytes; ask for less.`, { extensions: { code: 'BAD_USER_INPUT', limit: 'response_bytes' } });

/** The answer as JSON when it says it is JSON, else its text; a non-2xx status or a non-object body is an error. */
function parseAnswer(url: string, statusCode: number, contentType: string, text: string): SubgraphResponse {
  const parsed: unknown = /^application\/(graphql-response\+)?json/.test(contentType) ? JSON.parse(text) : text;
  if (statusCode < 200 || statusCode >= 300) throw new SubgraphHttpError(statusCode, parsed, url);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
  return parsed as SubgraphResponse;
}

export interface SubgraphTransport {
  fetch: SubgraphFetch;
  close(): Promise<void>;
}

/**
 * POSTs subgraph requests over one keep-alive connection pool per gateway with undici's
 * `dispatch`: no web streams, `fetch` machinery or body stream per call.
 * `RemoteGraphQLDataSource` ships without a keep-alive agent (DESIGN.md).
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
  // undici's low-level dispatch with a handler that collects the chunks: `request` would
  // build a Readable body stream and its consumer per fetch, which showed in the profile.
  const fetch: SubgraphFetch = ({ url, query, variables, operationName, headers, timeoutMs, budget }) =>
    new Promise<SubgraphResponse>((resolve, reject) => {
      const { origin, path } = targetOf(url);
      const chunks: Buffer[] = [];
      let statusCode = 0;
      let contentType = '';
      const handler: Dispatcher.DispatchHandler = {
        // undici tells this handler API from its older one by this method's presence.
        onRequestStart() {},
        onResponseStart(_controller, status, responseHeaders) {
          statusCode = status;
          contentType = String(responseHeaders['content-type'] ?? '');
        },
        onResponseData(controller, chunk) {
          if (budget) {
            budget.remainingBytes -= chunk.length;
            if (budget.remainingBytes < 0) {
              controller.abort(tooLarge(budget));
              return;
            }
          }
          chunks.push(chunk);
        },
        onResponseEnd() {
          try {
            resolve(parseAnswer(url, statusCode, contentType, (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        },
        onResponseError: (_controller, error) => reject(error),
      };
      agent.dispatch(
        {
          origin,
          path,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: subgraphBody({ query, variables, operationName }),
          ...(timeoutMs !== undefined && { headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
        },
        handler,
      );
    });
  return { fetch, close: () => agent.close() };
}
