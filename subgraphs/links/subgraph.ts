import { PrismaClient } from '../../prisma/links/generated/client.js';
import { createTokenVerifier } from '../../platform/auth/token-verifier.js';
import { startOutboxRelay } from '../../platform/messaging/outbox.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import type { AuditedStream } from '../../contracts/audit-events.js';
import { createClicks } from './clicks.js';
import { openCodeFilter } from './code-filter.js';
import type { LinksConfig } from './config.js';
import type { Context } from './context.js';
import { serveInternalRoutes } from './internal-routes.js';
import { createLinks } from './links.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { seedDemoLinks } from './seed.js';

/** The stream links tells other domains on (its audit events). */
const LINKS_STREAM: AuditedStream = 'links';

/** The links subgraph: short links, their stats and live counters, and what the gateway's redirect asks. */
export function startLinksSubgraph(config: LinksConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  return startSubgraph<Context>(config, runtime, async ({ adapter, pool, pubsub, events, logger, router, metrics }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoLinks(db, logger);
    const codes = await openCodeFilter({ db, pubsub, logger });
    const relay = startOutboxRelay(pool, events, LINKS_STREAM, logger, metrics);
    const links = createLinks({ db, relay, pubsub, codes, shortLinkBaseUrl: config.shortLinkBaseUrl });
    const clicks = createClicks({ db, pubsub, logger });
    serveInternalRoutes(router, { links, clicks, logger, metrics, internalSecret: config.internalSecret });
    return {
      resolvers,
      verifier: createTokenVerifier(config.verification),
      createContext: (viewer) => ({ viewer, loaders: createLoaders(db), links, pubsub }),
      close: async () => {
        clicks.close();
        relay.close();
        await codes.close();
        await db.$disconnect();
      },
    };
  });
}
