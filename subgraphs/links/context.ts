import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { SubgraphContext } from '../../platform/subgraph/graphql-server.js';
import type { Links } from './links.js';
import type { Loaders } from './loaders.js';

/** A links request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  links: Links;
  pubsub: PubSub;
}
