import type { PubSub } from '../shared/pubsub.js';
import type { SubgraphContext } from '../shared/server.js';
import type { Loaders } from './loaders.js';
import type { Posts } from './posts.js';

/** A posts request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  posts: Posts;
  pubsub: PubSub;
}
