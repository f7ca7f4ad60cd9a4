import { PrismaClient } from '../../prisma/courses/generated/client.js';
import { createTokenVerifier } from '../../platform/auth/token-verifier.js';
import { startOutboxRelay } from '../../platform/messaging/outbox.js';
import type { AuditedStream } from '../../contracts/audit-events.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import type { SubgraphRuntime } from '../../platform/subgraph/manifest.js';
import { startSubgraph } from '../../platform/subgraph/start-subgraph.js';
import { createAnalytics } from './analytics.js';
import type { CoursesConfig } from './config.js';
import type { Context } from './context.js';
import { createCourseStatsPublisher } from './course-stats.js';
import { createCourses } from './courses.js';
import { createLearning } from './learning.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { seedDemoCourses } from './seed.js';

/** The stream courses tells other domains on (its audit events). */
const COURSES_STREAM: AuditedStream = 'courses';

/** The courses subgraph: authoring, enrolments and progress, analytics and live course stats. */
export function startCoursesSubgraph(config: CoursesConfig, runtime: SubgraphRuntime): Promise<RunningSubgraph> {
  return startSubgraph<Context>(config, runtime, async ({ adapter, pool, pubsub, events, logger, metrics }) => {
    const db = new PrismaClient({ adapter });
    if (config.seedDemoData) await seedDemoCourses(db, logger);
    const stats = createCourseStatsPublisher(pubsub);
    const relay = startOutboxRelay(pool, events, COURSES_STREAM, logger, metrics);
    const courses = createCourses({ db, relay, stats });
    const learning = createLearning({ db, stats });
    const analytics = createAnalytics({ db });
    return {
      resolvers,
      verifier: createTokenVerifier(config.verification),
      createContext: (viewer) => ({ viewer, loaders: createLoaders(db, viewer), courses, learning, analytics, stats }),
      close: async () => {
        relay.close();
        await db.$disconnect();
      },
    };
  });
}
