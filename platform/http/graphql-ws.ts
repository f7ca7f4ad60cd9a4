import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSourceEventStream, execute } from 'graphql';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { viewerFromAuthorization } from '../auth/token-verifier.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { TRACEPARENT } from '../messaging/pubsub.js';
import { contextFrom, currentTraceparent, inSpan } from '../observability/tracing.js';

/** Who a socket acts as, fixed at `connection_init`. */
export interface ConnectionIdentity {
  viewer: Viewer | null;
  /** The `Authorization` value the client sent, forwarded upstream by the gateway. */
  authorization: string | undefined;
}

export type SocketExtra = Extra & { identity?: ConnectionIdentity };
export type SocketContext = Context<Record<string, unknown> | undefined, SocketExtra>;

/** graphql-ws closes with this when `onConnect` refuses; clients retry it with fresh connection params. */
export const FORBIDDEN = 4403;

/**
 * Serves graphql-ws on `path` of an HTTP server, so WebSocket and HTTP share one port.
 * `close` ends every socket (code 1001, "going away": clients reconnect elsewhere).
 */
export function serveGraphqlWs(httpServer: Server, path: string, options: ServerOptions<Record<string, unknown> | undefined, SocketExtra>): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((request.url ?? '').split('?', 1)[0] !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);
  const server = useServer(options, wss, 12_000);
  return {
    async close() {
      httpServer.off('upgrade', onUpgrade);
      await server.dispose();
    },
  };
}

/**
 * For `onConnect`: verifies `connectionParams.authorization` exactly like an HTTP bearer
 * token. False (socket closed with 4403) for a bad token; a good one is remembered on the
 * socket, which is closed with 4403 when the token expires.
 */
export async function authenticateConnection(ctx: SocketContext, verifier: TokenVerifier): Promise<boolean> {
  const params = ctx.connectionParams ?? {};
  const raw = params['authorization'] ?? params['Authorization'];
  const authorization = typeof raw === 'string' && raw !== '' ? raw : undefined;
  let viewer: Viewer | null;
  try {
    viewer = await viewerFromAuthorization(authorization, verifier);
  } catch {
    return false;
  }
  ctx.extra.identity = { viewer, authorization };
  if (viewer) {
    const socket = ctx.extra.socket;
    const timer = setTimeout(() => socket.close(FORBIDDEN, 'Forbidden: access token expired'), Math.max(0, viewer.expiresAt - Date.now()));
    socket.once('close', () => clearTimeout(timer));
  }
  return true;
}

/**
 * Like graphql-js `subscribe`, but every event is executed with a new context from
 * `newContext`: a subscription lives for hours, and per-request DataLoader caches must not
 * serve one event's data to the next. `onEnd` runs once when the stream ends either way.
 */
export async function subscribeWithFreshContext(
  args: ExecutionArgs,
  newContext: () => unknown,
  onEnd: () => void = () => {},
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream({ ...args, contextValue: newContext() }).catch((error: unknown) => {
    onEnd();
    throw error;
  });
  if (!(Symbol.asyncIterator in source)) {
    onEnd();
    return source;
  }
  return mapAsyncIterator(source, (payload) => executeEvent(args, payload, newContext), onEnd);
}

/**
 * One event of a subscription, executed in a span that continues the trace of the write
 * that published it; the result carries this span's `traceparent` on to the gateway.
 */
function executeEvent(args: ExecutionArgs, payload: unknown, newContext: () => unknown): Promise<ExecutionResult> {
  const traceparent = (payload as Record<string, unknown> | null)?.[TRACEPARENT];
  return inSpan(
    'graphql-ws',
    'subscription event',
    async () => {
      const result = await execute({ ...args, rootValue: payload, contextValue: newContext() });
      const own = currentTraceparent();
      return own ? { ...result, extensions: { ...result.extensions, [TRACEPARENT]: own } } : result;
    },
    { parent: typeof traceparent === 'string' ? contextFrom(traceparent) : undefined },
  );
}

/** Maps each value of `source`; `return()` reaches the source at once, even while a `next()` waits. */
export function mapAsyncIterator<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>, onEnd: () => void = () => {}): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = (): void => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  return {
    async next() {
      const result = await iterator.next();
      if (result.done) {
        end();
        return { done: true, value: undefined };
      }
      return { done: false, value: await map(result.value) };
    },
    async return() {
      end();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      end();
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
