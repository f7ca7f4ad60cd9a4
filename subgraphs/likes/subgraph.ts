import { PrismaClient } from '../../prisma/likes/generated/client.js';
import { createTokenVerifier } from '../../platform/auth/token-verifier.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import { onPostEvent, POSTS_STREAM } from '../../contracts/post-events.js';
import type { LikesConfig } from './config.js';
import type { Context } from './context.js';
import { createKnownPosts } from './known-posts.js';
import { createLikes } from './likes.js';
import { loadersOver } from './loaders.js';
import { resolvers } from './resolvers.js';
import { seedDemoLikes } from './seed.js';

/** The likes subgraph: follows posts' events, and serves likes, like counts and popular posts. */
export function startLikesSubgraph(config: LikesConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  return startSubgraph<Context>(config, runtime, async ({ adapter, pubsub, events, logger }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoLikes(db, logger);
    const knownPosts = createKnownPosts({ db, postsUrl: config.postsUrl, logger });
    const likes = createLikes({ db, knownPosts, pubsub });
    events.consume(POSTS_STREAM, 'likes', (event) => onPostEvent(event, { created: knownPosts.created, deleted: knownPosts.deleted }));
    const loaders = loadersOver(db);
    return {
      resolvers,
      verifier: createTokenVerifier(config.verification),
      createContext: (viewer) => ({ viewer, loaders: loaders(viewer), likes, knownPosts, pubsub }),
      close: () => db.$disconnect(),
    };
  });
}
