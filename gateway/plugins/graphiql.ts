import { join } from 'node:path';
import { staticFiles } from '../../platform/http/static-files.js';
import type { GatewayPlugin } from '../plugin.js';
import { IMMUTABLE, WEB_BUNDLE_DIR, whenBuilt } from './live-page.js';

const GRAPHIQL_PATH = '/graphiql';

/**
 * GraphiQL at `/graphiql`, bundled from npm with its editor and workers: unlike Apollo
 * Sandbox, which loads from Apollo's CDN, it works with no network beyond this gateway.
 */
export function graphiql(root: string = join(WEB_BUNDLE_DIR, 'graphiql')): GatewayPlugin {
  return {
    name: 'graphiql',
    routes(router) {
      const index = join(root, 'index.html');
      const page = whenBuilt(index, 'GraphiQL', staticFiles(root, { prefix: GRAPHIQL_PATH }));
      router.on(GRAPHIQL_PATH, page);
      router.on(`${GRAPHIQL_PATH}/`, page);
      router.onPrefix(`${GRAPHIQL_PATH}/assets/`, whenBuilt(index, 'GraphiQL', staticFiles(join(root, 'assets'), { prefix: `${GRAPHIQL_PATH}/assets/`, cacheControl: IMMUTABLE })));
    },
  };
}
