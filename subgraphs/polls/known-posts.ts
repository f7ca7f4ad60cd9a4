import type { PrismaClient } from '../../prisma/polls/generated/client.js';
import { notFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { PostCreated, PostDeleted } from '../../contracts/post-events.js';
import { askPosts } from '../../contracts/posts-client.js';

export type KnownPosts = ReturnType<typeof createKnownPosts>;

/**
 * What polls knows of posts without reading their database: posts' events fill the
 * `known_posts` projection (with each post's author, for createPoll's ownership check), and
 * a post no event has announced yet (a poll right after `createPost`) is checked with the
 * posts subgraph's API. Deleted posts stay as tombstones.
 */
export function createKnownPosts({ db, postsUrl, logger }: { db: PrismaClient; postsUrl: string; logger: Logger }) {
  return {
    /** The post's author; NOT_FOUND when the post does not exist or was deleted. */
    async authorOf(postId: string): Promise<string> {
      const known = await db.knownPost.findUnique({ where: { id: postId } });
      if (known?.deletedAt) throw notFound('No post has that id.');
      if (known) return known.authorId;
      const facts = await askPosts(postsUrl, postId, logger);
      if (!facts) throw notFound('No post has that id.');
      // Never over a tombstone: a deletion that arrived meanwhile wins.
      await db.knownPost.createMany({ data: [{ id: postId, authorId: facts.authorId }], skipDuplicates: true });
      return facts.authorId;
    },

    async created({ postId, authorId }: PostCreated): Promise<void> {
      await db.knownPost.createMany({ data: [{ id: postId, authorId }], skipDuplicates: true });
    },

    /**
     * Tombstones the post and detaches its poll (the poll and its votes stay, `post` becomes
     * null), in one transaction. Returns the ids of the polls it detached.
     */
    async deleted({ postId, authorId }: PostDeleted): Promise<string[]> {
      const now = new Date();
      const [, detached] = await db.$transaction([
        db.knownPost.upsert({ where: { id: postId }, create: { id: postId, authorId, deletedAt: now }, update: { deletedAt: now } }),
        db.poll.updateManyAndReturn({ where: { postId }, data: { postId: null }, select: { id: true } }),
      ]);
      return detached.map(({ id }) => id);
    },
  };
}
