import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sendJson } from '../../platform/http/http-server.js';
import type { RouteHandler } from '../../platform/http/http-server.js';
import { staticFiles } from '../../platform/http/static-files.js';
import { projectPath } from '../../platform/paths.js';
import type { GatewayPlugin } from '../plugin.js';

/** Where `npm run build:web` writes the bundles (web/ is source, this is what is served). */
export const WEB_BUNDLE_DIR = projectPath('web', 'dist');

/**
 * Asset names carry a content hash (scripts/web-bundle.ts), so a browser may keep them for
 * good; the HTML that names them is always revalidated by `staticFiles`.
 */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves `handler` while `index` exists; before the first build, says how to make it instead
 * of a bare 404, so a developer who skipped the build knows what is missing.
 */
export function whenBuilt(index: string, what: string, handler: RouteHandler): RouteHandler {
  return (request, response) => {
    if (!existsSync(index)) return sendJson(response, 503, { error: `${what} is not built: run \`npm run build:web\`` });
    return handler(request, response);
  };
}

/** The live-stats page at `/`: a web client of this same gateway's public API. */
export function livePage(root: string = WEB_BUNDLE_DIR): GatewayPlugin {
  return {
    name: 'live-page',
    routes(router) {
      const index = join(root, 'index.html');
      router.on('/', whenBuilt(index, 'The live-stats page', staticFiles(root, { prefix: '/' })));
      router.onPrefix('/assets/', whenBuilt(index, 'The live-stats page', staticFiles(join(root, 'assets'), { prefix: '/assets/', cacheControl: IMMUTABLE })));
    },
  };
}
