import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import type { FormattedExecutionResult } from 'graphql';

type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';

export interface TestSubscription<T> {
  /** Every result received so far, in order. */
  results: Array<ExecutionResult<T>>;
  /** The next result not yet taken, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Settles when the server completes the subscription. */
  completed: Promise<void>;
  unsubscribe(): void;
}

export interface TestSocket {
  client: Client;
  /** Settles with the close code and reason the first time the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  /** Whether the socket has not closed (so far). */
  isOpen(): boolean;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): TestSubscription<T>;
  dispose(): Promise<void>;
}

/** A graphql-ws client socket to the gateway, as a browser would open it. */
export function openSocket(httpUrl: string, { token, headers, localAddress }: { token?: string; headers?: Record<string, string>; localAddress?: string } = {}): TestSocket {
  let onClosed: (event: { code: number; reason: string }) => void = () => {};
  let open = true;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve)).finally(() => (open = false));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    // Headers a browser or proxy would add (Origin, X-Forwarded-For).
    // and the local address to connect from (all of 127/8 is this machine).
    webSocketImpl:
      headers || localAddress
        ? class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { ...(headers && { headers }), ...(localAddress && { localAddress }) });
            }
          }
        : WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed(event as { code: number; reason: string }) },
  });
  return {
    client,
    closed,
    isOpen: () => open,
    subscribe: <T>(query: string, variables: Record<string, unknown> = {}) => subscribe<T>(client, query, variables),
    dispose: () => client.dispose() as Promise<void>,
  };
}

function subscribe<T>(client: Client, query: string, variables: Record<string, unknown>): TestSubscription<T> {
  const results: Array<ExecutionResult<T>> = [];
  const waiting: Array<(result: ExecutionResult<T>) => void> = [];
  let taken = 0;
  let complete: () => void = () => {};
  const completed = new Promise<void>((resolve) => (complete = resolve));
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        waiting.shift()?.(result);
      },
      error: (error) => {
        const errors = Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }];
        results.push({ errors } as ExecutionResult<T>);
        waiting.shift()?.({ errors } as ExecutionResult<T>);
        complete();
      },
      complete: () => complete(),
    },
  );
  return {
    results,
    completed,
    unsubscribe,
    next(timeoutMs = 5_000) {
      if (taken < results.length) return Promise.resolve(results[taken++] as ExecutionResult<T>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription result within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((result) => {
          clearTimeout(timer);
          taken += 1;
          resolve(result);
        });
      });
    },
  };
}
