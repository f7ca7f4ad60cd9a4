import type { PrismaClient, User } from '../../prisma/users/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { prismaErrorCode } from '../../platform/data/database.js';
import { badUserInput, notFound } from '../../platform/errors.js';
import { keysetPage, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import { announceChangedEntities } from '../../contracts/entity-changes.js';
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
  const publishStats = async (userIds: string[]): Promise<unknown> => {
    // Caches first: the live event's execution at the gateway may read the users' fields.
    await announceChangedEntities(pubsub, userIds.map((id) => ({ type: 'User', id })));
    return Promise.all(userIds.map((userId) => pubsub.publish(userStatsChannel(userId), { userId } satisfies UserStatsModel)));
  };

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
    async followers(userId: string, request: PageRequest): Promise<UserConnectionModel> {
      const page = await keysetPage(request, 'followerId', ({ where, ...args }) => db.follow.findMany({ where: { followeeId: userId, ...where }, ...args, include: { follower: true } }), (row) => row.follower);
      return { ...page, totalCount: async () => (await db.userFollowCount.findUnique({ where: { userId } }))?.followers ?? 0 };
    },

    /** Whom `userId` follows, latest first. */
    async following(userId: string, request: PageRequest): Promise<UserConnectionModel> {
      const page = await keysetPage(request, 'followeeId', ({ where, ...args }) => db.follow.findMany({ where: { followerId: userId, ...where }, ...args, include: { followee: true } }), (row) => row.followee);
      return { ...page, totalCount: async () => (await db.userFollowCount.findUnique({ where: { userId } }))?.following ?? 0 };
    },
  };
}
