import { PrismaClient } from '../../prisma/posts/generated/client.js';
import { createTokenVerifier } from '../../platform/auth/token-verifier.js';
import { startOutboxRelay } from '../../platform/messaging/outbox.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import { POSTS_STREAM } from '../../contracts/post-events.js';
import type { PostsConfig } from './config.js';
import type { Context } from './context.js';
import { loadersOver } from './loaders.js';
import { createPosts } from './posts.js';
import { resolvers } from './resolvers.js';
import { seedDemoPosts } from './seed.js';

/** The posts subgraph: relays what its outbox holds, then serves posts and timelines. */
export function startPostsSubgraph(config: PostsConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  return startSubgraph<Context>(config, runtime, async ({ adapter, pool, pubsub, events, logger, metrics }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoPosts(db, logger);
    const relay = startOutboxRelay(pool, events, POSTS_STREAM, logger, metrics);
    const posts = createPosts({ db, relay, pubsub, logger });
    const loaders = loadersOver(db);
    return {
      resolvers,
      verifier: createTokenVerifier(config.verification),
      createContext: (viewer) => ({ viewer, loaders: loaders(), posts, pubsub }),
      close: async () => {
        relay.close();
        await db.$disconnect();
      },
    };
  });
}
