import { PrismaClient } from '../../prisma/polls/generated/client.js';
import { createTokenVerifier } from '../../platform/auth/token-verifier.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import type { AuditedStream } from '../../contracts/audit-events.js';
import { onPostEvent, POSTS_STREAM } from '../../contracts/post-events.js';
import { startOutboxRelay } from '../../platform/messaging/outbox.js';
import type { PollsConfig } from './config.js';
import type { Context } from './context.js';
import { createKnownPosts } from './known-posts.js';
import { createLoaders } from './loaders.js';
import { createPolls } from './polls.js';
import { resolvers } from './resolvers.js';
import { seedDemoPolls } from './seed.js';

/** The stream polls tells other domains on (its audit events). */
const POLLS_STREAM: AuditedStream = 'polls';

/** The polls subgraph: follows posts' events, and serves polls, votes and live results. */
export function startPollsSubgraph(config: PollsConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  return startSubgraph<Context>(config, runtime, async ({ adapter, pool, pubsub, events, logger, metrics }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoPolls(db, logger);
    const knownPosts = createKnownPosts({ db, postsUrl: config.postsUrl, logger });
    const relay = startOutboxRelay(pool, events, POLLS_STREAM, logger, metrics);
    const polls = createPolls({ db, relay, knownPosts, pubsub });
    events.consume(POSTS_STREAM, 'polls', (event) => onPostEvent(event, { created: knownPosts.created, deleted: polls.postDeleted }));
    return {
      resolvers,
      verifier: createTokenVerifier(config.verification),
      createContext: (viewer) => ({ viewer, loaders: createLoaders(db, viewer), polls, pubsub }),
      close: async () => {
        relay.close();
        await db.$disconnect();
      },
    };
  });
}
