import type { SubgraphManifest } from '../../platform/subgraph/manifest.js';
import { loadUsersConfig } from './config.js';
import { startUsersSubgraph } from './subgraph.js';

export const manifest: SubgraphManifest = {
  name: 'users',
  port: 4001,
  mappers: {
    User: 'UserModel', UserConnection: 'UserConnectionModel', UserStats: 'UserStatsModel', AuthPayload: 'AuthPayloadModel',
    AuditEntry: 'AuditEntryModel',
    AuditEntryConnection: 'AuditEntryConnectionModel',
    PlatformStats: 'PlatformStatsReference',
  },
  issuesTokens: true,
  start: (env, runtime = {}) => startUsersSubgraph(loadUsersConfig(env, manifest), runtime),
};
