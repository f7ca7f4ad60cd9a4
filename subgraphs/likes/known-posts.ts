import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import { appError, notFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { PostCreated, PostDeleted } from '../../contracts/post-events.js';

export type KnownPosts = ReturnType<typeof createKnownPosts>;

const POST_EXISTS = 'query PostExists($id: ID!) { post(id: $id) { id } }';

/**
 * What likes knows of posts without reading their database: posts' events fill the
 * `known_posts` projection, and a post no event has announced yet (a like right after
 * `createPost`) is checked with the posts subgraph's API. Deleted posts stay as tombstones.
 */
export function createKnownPosts({ db, postsUrl, logger }: { db: PrismaClient; postsUrl: string; logger: Logger }) {
  async function askPosts(postId: string): Promise<boolean> {
    try {
      const response = await fetch(postsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: POST_EXISTS, variables: { id: postId } }),
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await response.json()) as { data?: { post: { id: string } | null } };
      if (!response.ok || !body.data) throw new Error(`posts answered ${response.status}`);
      return body.data.post !== null;
    } catch (error) {
      logger.warn('could not ask posts whether a post exists', { error });
      throw appError('INTERNAL_SERVER_ERROR', 'The post could not be checked right now; try again.');
    }
  }

  return {
    /** Resolves when the post exists; NOT_FOUND when it does not or was deleted. */
    async require(postId: string): Promise<void> {
      const known = await db.knownPost.findUnique({ where: { id: postId } });
      if (known?.deletedAt) throw notFound('No post has that id.');
      if (known) return;
      if (!(await askPosts(postId))) throw notFound('No post has that id.');
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
