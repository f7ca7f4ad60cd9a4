import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observability/logger.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** The path of a request, without its query string. */
export function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Which handler answers a path: an exact path first, then the longest matching prefix
 * (`/s/` for short links, `/assets/` for static files). Routes can be added after the
 * server started: features register their routes as they come up.
 */
export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: Array<[string, RouteHandler]> = [];

  /** Every method on exactly `path`. */
  on(path: string, handler: RouteHandler): this {
    this.exact.set(path, handler);
    return this;
  }

  /** Every path that starts with `prefix` (which should end with `/`). */
  onPrefix(prefix: string, handler: RouteHandler): this {
    this.prefixes.push([prefix, handler]);
    this.prefixes.sort(([a], [b]) => b.length - a.length);
    return this;
  }

  match(path: string): RouteHandler | undefined {
    return this.exact.get(path) ?? this.prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
  }
}

/**
 * A plain `node:http` server dispatching through `router`, 404 elsewhere. No framework sits
 * between the socket and Apollo Server.
 */
export function createHttpServer(router: Router, logger: Logger): Server {
  const server = createServer((request, response) => {
    const path = pathOf(request);
    const handler = router.match(path);
    if (!handler) return sendJson(response, 404, { error: 'Not found' });
    const failed = (error: unknown): void => {
      logger.error('request handler failed', { path, error });
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.destroy();
    };
    // A handler that answers synchronously (the short-link redirect) costs no promise.
    try {
      handler(request, response)?.catch(failed);
    } catch (error) {
      failed(error);
    }
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
