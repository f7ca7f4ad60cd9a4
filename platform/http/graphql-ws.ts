import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSourceEventStream, execute } from 'graphql';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { viewerFromAuthorization } from '../auth/token-verifier.js';
import type { TokenVerifier, Viewer } from '../auth/token-verifier.js';
import { TRACEPARENT } from '../messaging/pubsub.js';
import type { Logger } from '../observability/logger.js';
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

export interface WebSocketGuard {
  /** Whether a browser page from `origin` may open a socket (CORS_ORIGINS, as for HTTP). */
  allowOrigin?: (origin: string) => boolean;
  /** Where client noise (oversized frames, broken framing) goes: one debug line, not graphql-ws's console dump. */
  logger?: Logger;
}

/**
 * Serves graphql-ws on `path` of an HTTP server, so WebSocket and HTTP share one port.
 * `close` ends every socket (code 1001, "going away": clients reconnect elsewhere).
 */
export function serveGraphqlWs(
  httpServer: Server,
  path: string,
  options: ServerOptions<Record<string, unknown> | undefined, SocketExtra>,
  guard: WebSocketGuard = {},
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((request.url ?? '').split('?', 1)[0] !== path) {
      socket.destroy();
      return;
    }
    // Browsers send Origin on every WebSocket and CORS does not apply to them: without this
    // check any site could act with a visitor's cookies or network position (CSWSH).
    const origin = request.headers.origin;
    if (origin && guard.allowOrigin && !guard.allowOrigin(origin)) {
      guard.logger?.debug('websocket refused: origin not allowed', { origin });
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      quietProtocolErrors(ws, guard.logger);
      wss.emit('connection', ws, request);
    });
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
 * A frame over `maxPayload` or broken framing is the client's doing: `ws` already closes the
 * socket (1009, 1002), and graphql-ws would print a multi-line "Internal error" to the
 * console for it. Such errors become one debug line; any other error goes on to graphql-ws.
 */
function quietProtocolErrors(ws: WebSocket, logger: Logger | undefined): void {
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    const error = args[0] as { code?: unknown; message?: string } | undefined;
    if (event === 'error' && typeof error?.code === 'string' && error.code.startsWith('WS_ERR_')) {
      logger?.debug('websocket client error', { code: error.code, reason: error.message });
      return true;
    }
    return emit(event, ...args);
  }) as typeof ws.emit;
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
