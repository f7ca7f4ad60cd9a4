import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import type { Logger } from '../../platform/observability/logger.js';

/** One event of an upstream subscription: the subgraph's answer to the primary fetch. */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  /** `traceparent`: the trace of the write that caused the event. */
  extensions?: Record<string, unknown>;
}

export interface UpstreamListener {
  next(event: UpstreamEvent): void;
  /** The upstream refused or ended the subscription with errors; no event follows. */
  error(errors: readonly GraphQLFormattedError[]): void;
  complete(): void;
}

interface Stream {
  listeners: Set<UpstreamListener>;
  dispose(): void;
}

interface PooledClient {
  client: Client;
  streams: number;
}

/** Reconnection backoff: quick at first (a restarting subgraph is usually back in a second), capped at 3 s. */
const retryWait = (retries: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** retries, 3_000) * (0.5 + Math.random())));

const wsUrl = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');

/**
 * Subscriptions from the gateway to subgraphs over graphql-ws. Identical subscriptions
 * (same subgraph, operation, variables and credentials) share one upstream stream; each
 * set of credentials gets its own socket per subgraph. When a subgraph restarts, sockets
 * reconnect and re-subscribe without the listeners noticing; when the last listener of a
 * stream leaves, the stream is closed upstream, and an idle socket is disposed.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, PooledClient>();
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly urlOf: (service: string) => string,
    private readonly logger: Logger,
  ) {}

  /** How many distinct upstream subscriptions are open. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Joins the upstream stream for this request, opening it if needed; returns how to leave it. */
  join(service: string, query: string, variables: Record<string, unknown>, authorization: string | undefined, listener: UpstreamListener): () => void {
    const key = JSON.stringify([service, query, variables, authorization ?? null]);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = this.open(key, service, query, variables, authorization);
      this.streams.set(key, stream);
    }
    stream.listeners.add(listener);
    const joined = stream;
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0) joined.dispose();
    };
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) stream.dispose();
    this.streams.clear();
    await Promise.all([...this.clients.values()].map(({ client }) => disposeClient(client)));
    this.clients.clear();
  }

  private open(key: string, service: string, query: string, variables: Record<string, unknown>, authorization: string | undefined): Stream {
    const clientKey = JSON.stringify([service, authorization ?? null]);
    const pooled = this.client(clientKey, service, authorization);
    pooled.streams += 1;
    let unsubscribe = (): void => {};
    let disposed = false;
    const stream: Stream = {
      listeners: new Set(),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (this.streams.get(key) === stream) this.streams.delete(key);
        unsubscribe();
        pooled.streams -= 1;
        if (pooled.streams === 0 && this.clients.get(clientKey) === pooled) {
          this.clients.delete(clientKey);
          void disposeClient(pooled.client);
        }
      },
    };
    /** The upstream ended the stream: tell every listener, then let go of it. */
    const end = (notify: (listener: UpstreamListener) => void): void => {
      const listeners = [...stream.listeners];
      stream.listeners.clear();
      stream.dispose();
      for (const listener of listeners) notify(listener);
    };
    unsubscribe = pooled.client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (event) => {
          for (const listener of stream.listeners) listener.next(event as UpstreamEvent);
        },
        error: (error) => end((listener) => listener.error(upstreamErrors(service, error))),
        complete: () => end((listener) => listener.complete()),
      },
    );
    return stream;
  }

  private client(key: string, service: string, authorization: string | undefined): PooledClient {
    const existing = this.clients.get(key);
    if (existing) return existing;
    const client = createClient({
      url: wsUrl(this.urlOf(service)),
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      lazy: true,
      keepAlive: 10_000,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait,
      on: {
        closed: (event) => this.logger.debug('upstream socket closed', { service, code: (event as { code?: number }).code }),
        connected: () => this.logger.debug('upstream socket connected', { service }),
      },
    });
    const pooled = { client, streams: 0 };
    this.clients.set(key, pooled);
    return pooled;
  }
}

/**
 * Disposes a client. graphql-ws's dispose awaits a connection attempt in progress, which
 * rejects when it is abandoned: the socket is going away either way.
 */
const disposeClient = (client: Client): Promise<void> => Promise.resolve(client.dispose()).catch(() => {});

/** What graphql-ws reports as a subscription failure, as GraphQL errors. */
function upstreamErrors(service: string, error: unknown): readonly GraphQLFormattedError[] {
  if (Array.isArray(error)) return error as GraphQLFormattedError[];
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'number' ? `closed the connection (${code})` : error instanceof Error ? error.message : 'failed';
  return [{ message: `The ${service} subscription ${reason}.`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
}
