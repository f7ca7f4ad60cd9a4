import type { SubgraphContext } from '../../platform/subgraph/graphql-server.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { Accounts } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { Directory } from './directory.js';
import type { Follows } from './follows.js';
import type { Loaders } from './loaders.js';
import type { Roles } from './roles.js';

/** A users request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  accounts: Accounts;
  follows: Follows;
  directory: Directory;
  roles: Roles;
  auditLog: AuditLog;
  pubsub: PubSub;
  /**
   * Set by register, login and refreshToken: the request has just proved it is this user,
   * so the payload may show what only the user may see (their email).
   */
  signedInUserId: string | null;
  /** Who asks, as the gateway saw it: the key of the sign-up limit. */
  clientAddress: string;
}
