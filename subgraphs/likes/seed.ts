import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import { DEMO_POSTS, demoUserId } from '../../contracts/demo.js';
import type { Logger } from '../../platform/observability/logger.js';

/** Who likes which demo post (by index in DEMO_POSTS). */
const DEMO_LIKES: ReadonlyArray<readonly [string, number]> = [
  ['grace', 0], ['alan', 0], ['katherine', 0], ['linus', 0],
  ['ada', 1], ['alan', 1], ['ada', 2], ['grace', 2], ['katherine', 2],
  ['alan', 3], ['ada', 4], ['grace', 5], ['linus', 5], ['ada', 6], ['katherine', 7],
];

/**
 * Seeds likes on the demo posts into an empty likes database (first start of the embedded
 * default), and the posts themselves into its projection: the demo posts are seeded, not
 * created through posts, so no event announces them.
 */
export async function seedDemoLikes(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.knownPost.count()) > 0) return;
  const now = Date.now();
  await db.$transaction([
    db.knownPost.createMany({ data: DEMO_POSTS.map(({ id }) => ({ id })), skipDuplicates: true }),
    db.like.createMany({
      data: DEMO_LIKES.map(([username, post], index) => ({
        postId: DEMO_POSTS[post]?.id ?? '',
        userId: demoUserId(username),
        createdAt: new Date(now - (DEMO_LIKES.length - index) * 600_000),
      })),
      skipDuplicates: true,
    }),
  ]);
  logger.info('seeded demo likes', { likes: DEMO_LIKES.length });
}
