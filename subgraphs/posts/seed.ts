import type { PrismaClient } from '../../prisma/posts/generated/client.js';
import { DEMO_POSTS, demoUserId } from '../../contracts/demo.js';
import type { Logger } from '../../platform/observability/logger.js';

/**
 * Seeds the demo posts into an empty posts database (first start of the embedded default),
 * spread over the last days so timelines look lived in. Duplicates are skipped.
 */
export async function seedDemoPosts(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.post.count()) > 0) return;
  const now = Date.now();
  await db.post.createMany({
    data: DEMO_POSTS.map(({ id, author, hoursAgo, body }) => {
      const at = new Date(now - hoursAgo * 3_600_000);
      return { id, authorId: demoUserId(author), body, createdAt: at, updatedAt: at };
    }),
    skipDuplicates: true,
  });
  logger.info('seeded demo posts', { posts: DEMO_POSTS.length });
}
