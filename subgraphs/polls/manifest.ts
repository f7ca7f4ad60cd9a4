import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadPollsConfig } from './config.js';
import { startPollsSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'polls',
  port: 4004,
  mappers: {
    PlatformStats: 'PlatformStatsReference',
    Poll: 'PollModel',
    PollOption: 'PollOptionModel',
    PollConnection: 'PollConnectionModel',
    Post: 'PostReference',
    User: 'UserReference',
  },
  // Asks posts about a post (exists? whose?) when no event has announced it yet, and users
  // whether the author of a write still has an account.
  calls: ['users', 'posts'],
  start: (env, runtime = {}) => startPollsSubgraph(loadPollsConfig(env, manifest), runtime),
};
