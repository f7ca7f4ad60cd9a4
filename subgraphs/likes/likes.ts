import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import { TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { notFound } from '../../platform/errors.js';
import { keysetPage, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import { announceChangedEntities } from '../../contracts/entity-changes.js';
import type { KnownPosts } from './known-posts.js';
import type { PostConnectionModel, PostLikeStatsModel, PostReference, UserConnectionModel } from './models.js';

export type Likes = ReturnType<typeof createLikes>;

export const postLikesChannel = (postId: string): string => `postLikesChanged:${postId}`;

export interface LikesDeps {
  db: PrismaClient;
  knownPosts: KnownPosts;
  pubsub: PubSub;
}

/**
 * Liking, unliking and the lists built from likes. Counts are read from post_like_counts and
 * post_like_hours, which triggers keep in the transaction of each like row written or
 * removed (migration `*_like_aggregates`): only a row really inserted or deleted moves them.
 */
export function createLikes({ db, knownPosts, pubsub }: LikesDeps) {
  /** Tells the post's subscribers its count changed, after the write committed. */
  const publishCount = async (postId: string): Promise<void> => {
    // Caches first: the live event's execution at the gateway may read the post's fields.
    await announceChangedEntities(pubsub, [{ type: 'Post', id: postId }]);
    await pubsub.publish(postLikesChannel(postId), { postId } satisfies PostLikeStatsModel);
  };

  return {
    async like(viewer: Viewer, postId: string): Promise<PostReference> {
      const id = requireId(postId, 'postId');
      await knownPosts.require(id);
      const inserted = await db.$transaction(async (tx) => {
        // Holding the post's row shared: a deletion (which updates it) waits for this like,
        // then removes it with the others; a like after the deletion sees the tombstone.
        const [post] = await tx.$queryRaw<Array<{ deleted_at: Date | null }>>`SELECT deleted_at FROM known_posts WHERE id = ${id}::uuid FOR SHARE`;
        if (!post || post.deleted_at) return null;
        // ON CONFLICT DO NOTHING: liking twice, or fifty times at once, leaves one row.
        return (await tx.like.createMany({ data: [{ postId: id, userId: viewer.id }], skipDuplicates: true })).count;
      }, TRANSACTION_OPTIONS);
      if (inserted === null) throw notFound('No post has that id.');
      if (inserted > 0) await publishCount(id);
      return { id };
    },

    async unlike(viewer: Viewer, postId: string): Promise<PostReference> {
      const id = requireId(postId, 'postId');
      await knownPosts.require(id);
      const { count } = await db.like.deleteMany({ where: { postId: id, userId: viewer.id } });
      if (count > 0) await publishCount(id);
      return { id };
    },

    /** Who likes the post, latest like first. */
    async likers(postId: string, request: PageRequest): Promise<UserConnectionModel> {
      const page = await keysetPage(request, 'userId', ({ where, ...args }) => db.like.findMany({ where: { postId, ...where }, ...args }), (like) => ({ id: like.userId }));
      return { ...page, totalCount: async () => (await db.postLikeCount.findUnique({ where: { postId } }))?.count ?? 0 };
    },

    /** What the user likes, latest like first. */
    likedPosts: (userId: string, request: PageRequest): Promise<PostConnectionModel> =>
      keysetPage(request, 'postId', ({ where, ...args }) => db.like.findMany({ where: { userId, ...where }, ...args }), (like) => ({ id: like.postId })),

    /**
     * The most liked posts, counting likes given since `since`; ties go to the newer post
     * (UUIDv7 ids sort by time). Read from the maintained counts, never by grouping likes: all
     * time is the first rows of the count index; a window sums the whole hours after `since`
     * and counts only the likes of its partial first hour from the rows.
     */
    async popular(first: number, since: Date | null): Promise<PostReference[]> {
      if (first === 0) return [];
      if (!since) {
        const rows = await db.postLikeCount.findMany({ where: { count: { gt: 0 } }, orderBy: [{ count: 'desc' }, { postId: 'desc' }], take: first, select: { postId: true } });
        return rows.map((row) => ({ id: row.postId }));
      }
      // Ranked by the uuid and cast for the `first` rows kept: `ORDER BY post_id` on the text
      // alias would cast every post in the window before the sort.
      const rows = await db.$queryRaw<Array<{ post_id: string }>>`
        SELECT post_id::text AS post_id FROM (
          SELECT post_id, sum(count) AS likes FROM (
            SELECT post_id, count FROM post_like_hours WHERE hour >= like_hour(${since}::timestamptz) + interval '1 hour'
            UNION ALL
            SELECT post_id, 1 FROM likes WHERE created_at >= ${since}::timestamptz AND created_at < like_hour(${since}::timestamptz) + interval '1 hour'
          ) AS liked_since
          GROUP BY post_id HAVING sum(count) > 0
          ORDER BY likes DESC, post_id DESC
          LIMIT ${first}
        ) AS top ORDER BY likes DESC, top.post_id DESC`;
      return rows.map((row) => ({ id: row.post_id }));
    },
  };
}
