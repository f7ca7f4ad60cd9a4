import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathOf, sendJson } from './http-server.js';
import type { RouteHandler } from './http-server.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFilesOptions {
  /** The URL prefix the files are mounted at, e.g. `/` or `/graphiql/`. */
  prefix: string;
  /** The file served for the prefix itself (and for paths ending in `/`). */
  index?: string;
  /** `Cache-Control` for everything but the index, which is always revalidated. */
  cacheControl?: string;
}

/**
 * GET and HEAD of the files under `root`, for a prefix route. Paths are normalised and must
 * stay inside `root` (no `..`, no encoded escapes); anything else is a 404.
 */
export function staticFiles(root: string, { prefix, index = 'index.html', cacheControl = 'public, max-age=300' }: StaticFilesOptions): RouteHandler {
  const base = normalize(root + sep);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'Method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathOf(request).slice(prefix.length));
    } catch {
      sendJson(response, 404, { error: 'Not found' });
      return;
    }
    const isIndex = relative === '' || relative.endsWith('/');
    const file = normalize(join(base, isIndex ? `${relative}${index}` : relative));
    const info = file.startsWith(base) && !relative.includes('\0') ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      sendJson(response, 404, { error: 'Not found' });
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': isIndex ? 'no-cache' : cacheControl,
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') response.end();
    else await pipeline(createReadStream(file), response);
  };
}
