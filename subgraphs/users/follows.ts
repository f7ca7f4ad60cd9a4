import type { PrismaClient, User } from '../../prisma/users/generated/client.js';
import type { Viewer } from '../shared/auth.js';
import { prismaErrorCode } from '../shared/database.js';
import { badUserInput, notFound } from '../shared/errors.js';
import { olderThan, requireId, toConnection } from '../shared/pagination.js';
import type { PageRequest } from '../shared/pagination.js';
import type { PubSub } from '../shared/pubsub.js';
import type { UserConnectionModel, UserModel, UserStatsModel } from './models.js';

export type Follows = ReturnType<typeof createFollows>;

export const userStatsChannel = (userId: string): string => `userStatsChanged:${userId}`;

/** The follow graph: idempotent follow/unfollow, follower lists, and the live counts. */
export function createFollows({ db, pubsub }: { db: PrismaClient; pubsub: PubSub }) {
  /** The user to follow or unfollow: an existing user other than the viewer. */
  async function target(viewer: Viewer, userId: string): Promise<User> {
    const id = requireId(userId, 'userId');
    if (id === viewer.id) throw badUserInput('You cannot follow or unfollow yourself.', 'userId');
    const user = await db.user.findUnique({ where: { id } });
    if (!user) throw notFound('No user has that id.');
    return user;
  }

  /** Tells both users' subscribers their counts changed; called after the change committed. */
  const publishStats = (userIds: string[]): Promise<unknown> =>
    Promise.all(userIds.map((userId) => pubsub.publish(userStatsChannel(userId), { userId } satisfies UserStatsModel)));

  const page = async (
    rows: Promise<Array<{ createdAt: Date; other: string; user: User }>>,
    first: number,
    totalCount: () => Promise<number>,
  ): Promise<UserConnectionModel> => ({
    ...toConnection(await rows, first, (row) => ({ at: row.createdAt, id: row.other }), (row) => row.user),
    totalCount,
  });

  return {
    async follow(viewer: Viewer, userId: string): Promise<UserModel> {
      const user = await target(viewer, userId);
      // ON CONFLICT DO NOTHING: following twice, or twice at once, leaves one row.
      const { count } = await db.follow
        .createMany({ data: [{ followerId: viewer.id, followeeId: user.id }], skipDuplicates: true })
        .catch((error: unknown) => {
          throw prismaErrorCode(error) === 'P2003' ? notFound('No user has that id.') : error;
        });
      if (count > 0) await publishStats([user.id, viewer.id]);
      return user;
    },

    async unfollow(viewer: Viewer, userId: string): Promise<UserModel> {
      const user = await target(viewer, userId);
      const { count } = await db.follow.deleteMany({ where: { followerId: viewer.id, followeeId: user.id } });
      if (count > 0) await publishStats([user.id, viewer.id]);
      return user;
    },

    /** Who follows `userId`, latest first. */
    followers(userId: string, { first, after }: PageRequest): Promise<UserConnectionModel> {
      const rows = db.follow
        .findMany({
          where: { followeeId: userId, ...olderThan(after, 'followerId') },
          orderBy: [{ createdAt: 'desc' }, { followerId: 'desc' }],
          take: first + 1,
          include: { follower: true },
        })
        .then((follows) => follows.map((row) => ({ createdAt: row.createdAt, other: row.followerId, user: row.follower })));
      return page(rows, first, () => db.follow.count({ where: { followeeId: userId } }));
    },

    /** Whom `userId` follows, latest first. */
    following(userId: string, { first, after }: PageRequest): Promise<UserConnectionModel> {
      const rows = db.follow
        .findMany({
          where: { followerId: userId, ...olderThan(after, 'followeeId') },
          orderBy: [{ createdAt: 'desc' }, { followeeId: 'desc' }],
          take: first + 1,
          include: { followee: true },
        })
        .then((follows) => follows.map((row) => ({ createdAt: row.createdAt, other: row.followeeId, user: row.followee })));
      return page(rows, first, () => db.follow.count({ where: { followerId: userId } }));
    },
  };
}
