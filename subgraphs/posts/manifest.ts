import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadPostsConfig } from './config.js';
import { startPostsSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'posts',
  port: 4002,
  mappers: { Post: 'PostModel', PostConnection: 'PostConnectionModel', User: 'UserReference', PlatformStats: 'PlatformStatsReference' },
  // Asks users whether the author of a write still has an account.
  calls: ['users'],
  start: (env, runtime = {}) => startPostsSubgraph(loadPostsConfig(env, manifest), runtime),
};
