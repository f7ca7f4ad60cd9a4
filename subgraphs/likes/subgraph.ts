import { PrismaClient } from '../../prisma/likes/generated/client.js';
import { createTokenVerifier } from '../shared/auth.js';
import { openDomain, serveDomain } from '../shared/domain.js';
import { onPostEvent, POSTS_STREAM } from '../shared/post-events.js';
import type { RunningSubgraph } from '../shared/server.js';
import type { LikesConfig } from './config.js';
import type { Context } from './context.js';
import { createKnownPosts } from './known-posts.js';
import { createLikes } from './likes.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { seedDemoLikes } from './seed.js';

/** Migrates the likes database, follows posts' events, and serves the likes subgraph. */
export async function startLikesSubgraph(config: LikesConfig): Promise<RunningSubgraph> {
  const domain = await openDomain('likes', config, (adapter) => new PrismaClient({ adapter }));
  const { db, pubsub, events, logger } = domain;
  if (config.seedDemoData) await seedDemoLikes(db, logger);
  const knownPosts = createKnownPosts({ db, postsUrl: config.postsUrl, logger });
  const likes = createLikes({ db, knownPosts, pubsub });
  events.consume(POSTS_STREAM, 'likes', (event) => onPostEvent(event, { created: knownPosts.created, deleted: knownPosts.deleted }));

  return serveDomain<PrismaClient, Context>(domain, {
    resolvers,
    verifier: createTokenVerifier(config.verification),
    createContext: (viewer) => ({ viewer, loaders: createLoaders(db, viewer), likes, knownPosts, pubsub }),
  });
}
