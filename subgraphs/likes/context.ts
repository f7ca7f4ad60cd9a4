import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { SubgraphContext } from '../../platform/subgraph/graphql-server.js';
import type { KnownPosts } from './known-posts.js';
import type { Likes } from './likes.js';
import type { Loaders } from './loaders.js';

/** A likes request: the viewer and its DataLoaders, plus the domain services built at start. */
export interface Context extends SubgraphContext {
  loaders: Loaders;
  likes: Likes;
  knownPosts: KnownPosts;
  pubsub: PubSub;
}
