import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadLikesConfig } from './config.js';
import { startLikesSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'likes',
  port: 4003,
  mappers: {
    PlatformStats: 'PlatformStatsReference',
    Post: 'PostReference',
    PostConnection: 'PostConnectionModel',
    PostLikeStats: 'PostLikeStatsModel',
    User: 'UserReference',
    UserConnection: 'UserConnectionModel',
  },
  // Asks posts whether a post exists when no event has announced it yet, and users
  // whether the author of a write still has an account.
  calls: ['users', 'posts'],
  start: (env, runtime = {}) => startLikesSubgraph(loadLikesConfig(env, manifest), runtime),
};
