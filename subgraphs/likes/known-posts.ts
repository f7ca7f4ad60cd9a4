import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import { notFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { PostCreated, PostDeleted } from '../../contracts/post-events.js';
import { askPosts } from '../../contracts/posts-client.js';

export type KnownPosts = ReturnType<typeof createKnownPosts>;

/**
 * What likes knows of posts without reading their database: posts' events fill the
 * `known_posts` projection, and a post no event has announced yet (a like right after
 * `createPost`) is checked with the posts subgraph's API. Deleted posts stay as tombstones.
 */
export function createKnownPosts({ db, postsUrl, logger }: { db: PrismaClient; postsUrl: string; logger: Logger }) {
  return {
    /** Resolves when the post exists; NOT_FOUND when it does not or was deleted. */
    async require(postId: string): Promise<void> {
      const known = await db.knownPost.findUnique({ where: { id: postId } });
      if (known?.deletedAt) throw notFound('No post has that id.');
      if (known) return;
      if (!(await askPosts(postsUrl, postId, logger))) throw notFound('No post has that id.');
      // Never over a tombstone: a deletion that arrived meanwhile wins.
      await db.knownPost.createMany({ data: [{ id: postId }], skipDuplicates: true });
    },

    async created({ postId }: PostCreated): Promise<void> {
      await db.knownPost.createMany({ data: [{ id: postId }], skipDuplicates: true });
    },

    /** Tombstones the post and removes its likes, in one transaction. */
    async deleted({ postId }: PostDeleted): Promise<void> {
      const now = new Date();
      await db.$transaction([
        db.knownPost.upsert({ where: { id: postId }, create: { id: postId, deletedAt: now }, update: { deletedAt: now } }),
        db.like.deleteMany({ where: { postId } }),
      ]);
    },
  };
}
