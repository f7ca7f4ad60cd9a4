import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { SubgraphContext } from '../../platform/subgraph/graphql-server.js';
import type { Loaders } from './loaders.js';
import type { Polls } from './polls.js';

/** A polls request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  polls: Polls;
  pubsub: PubSub;
}
