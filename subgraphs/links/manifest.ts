import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadLinksConfig } from './config.js';
import { startLinksSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'links',
  port: 4005,
  // A write's token is checked against users: its account must still exist.
  calls: ['users'],
  mappers: {
    Link: 'LinkModel',
    LinkConnection: 'LinkConnectionModel',
    LinkStats: 'LinkStatsModel',
    PlatformStats: 'PlatformStatsReference',
    User: 'UserReference',
  },
  start: (env, runtime = {}) => startLinksSubgraph(loadLinksConfig(env, manifest), runtime),
};
