import { PrismaClient } from '../../prisma/posts/generated/client.js';
import { createTokenVerifier } from '../shared/auth.js';
import { openDomain, serveDomain } from '../shared/domain.js';
import { createOutboxRelay } from '../shared/events.js';
import { POSTS_STREAM } from '../shared/post-events.js';
import type { RunningSubgraph } from '../shared/server.js';
import type { PostsConfig } from './config.js';
import type { Context } from './context.js';
import { createLoaders } from './loaders.js';
import { createPosts } from './posts.js';
import { resolvers } from './resolvers.js';
import { seedDemoPosts } from './seed.js';

/** Migrates the posts database, relays any events left in its outbox, and serves the posts subgraph. */
export async function startPostsSubgraph(config: PostsConfig): Promise<RunningSubgraph> {
  const domain = await openDomain('posts', config, (adapter) => new PrismaClient({ adapter }));
  const { db, pool, pubsub, events, logger } = domain;
  if (config.seedDemoData) await seedDemoPosts(db, logger);
  const relay = createOutboxRelay(pool, events, POSTS_STREAM, logger);
  void relay.flush();
  const posts = createPosts({ db, relay, pubsub, logger });

  return serveDomain<PrismaClient, Context>(domain, {
    resolvers,
    verifier: createTokenVerifier(config.verification),
    createContext: (viewer) => ({ viewer, loaders: createLoaders(db), posts, pubsub }),
    beforeClose: () => relay.close(),
  });
}
