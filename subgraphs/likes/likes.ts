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

/** Liking, unliking and the lists built from likes. Counts are always counted from the rows. */
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
      return { ...page, totalCount: () => db.like.count({ where: { postId } }) };
    },

    /** What the user likes, latest like first. */
    likedPosts: (userId: string, request: PageRequest): Promise<PostConnectionModel> =>
      keysetPage(request, 'postId', ({ where, ...args }) => db.like.findMany({ where: { userId, ...where }, ...args }), (like) => ({ id: like.postId })),

    /** The most liked posts, counting likes given since `since`; ties go to the newer post (UUIDv7 ids sort by time). */
    async popular(first: number, since: Date | null): Promise<PostReference[]> {
      if (first === 0) return [];
      const rows = await db.like.groupBy({
        by: ['postId'],
        where: since ? { createdAt: { gte: since } } : {},
        _count: { postId: true },
        orderBy: [{ _count: { postId: 'desc' } }, { postId: 'desc' }],
        take: first,
      });
      return rows.map((row) => ({ id: row.postId }));
    },
  };
}
