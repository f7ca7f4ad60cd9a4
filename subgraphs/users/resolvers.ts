import { PLATFORM_STATS_ID, platformStatsReference } from '../../contracts/platform-stats.js';
import { loadById } from '../../platform/loaders.js';
import { requireAdmin, requireViewer } from '../../platform/auth/token-verifier.js';
import { notFound } from '../../platform/errors.js';
import { pageRequest, requireId } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import type { Context } from './context.js';
import { userStatsChannel } from './follows.js';
import type { AuthPayloadModel, UserModel, UserStatsModel } from './models.js';

const signedIn = async (context: Context, payload: Promise<AuthPayloadModel>): Promise<AuthPayloadModel> => {
  const result = await payload;
  context.signedInUserId = result.user.id;
  return result;
};

/** Whether the request may see the user's private fields: it is the user, or an admin. */
const mayReadPrivate = (user: UserModel, { viewer, signedInUserId }: Context): boolean =>
  signedInUserId === user.id || (viewer !== null && (viewer.id === user.id || viewer.role === 'ADMIN'));

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    me: (_, __, { viewer, loaders }) => (viewer ? loaders.user.load(viewer.id) : null),
    user: (_, { id }, { loaders }) => loadById(loaders.user, id),
    userByUsername: (_, { username }, { directory }) => directory.byUsername(username),
    users: (_, args, { directory }) => directory.list(args.search, pageRequest(args)),
    platformStats: (_, __, { viewer }) => (requireAdmin(viewer), { id: PLATFORM_STATS_ID }),
    auditLog: (_, args, { viewer, auditLog }) => (requireAdmin(viewer), auditLog.page(pageRequest(args))),
  },

  Mutation: {
    register: (_, { input }, context) => signedIn(context, context.accounts.register(input, context.clientAddress)),
    login: (_, { usernameOrEmail, password }, context) => signedIn(context, context.accounts.login(usernameOrEmail, password)),
    refreshToken: (_, { refreshToken }, context) => signedIn(context, context.accounts.refresh(refreshToken)),
    logout: (_, { refreshToken }, { accounts }) => accounts.logout(refreshToken),
    updateProfile: (_, { input }, { viewer, accounts }) => accounts.updateProfile(requireViewer(viewer), input),
    changePassword: (_, { currentPassword, newPassword }, { viewer, accounts }) =>
      accounts.changePassword(requireViewer(viewer), currentPassword, newPassword),
    follow: (_, { userId }, { viewer, follows }) => follows.follow(requireViewer(viewer), userId),
    unfollow: (_, { userId }, { viewer, follows }) => follows.unfollow(requireViewer(viewer), userId),
    setUserRole: (_, { userId, role }, { viewer, roles }) => roles.setRole(viewer, userId, role),
  },

  Subscription: {
    userStatsChanged: {
      subscribe: async (_, { userId }, { loaders, pubsub }) => {
        const id = requireId(userId, 'userId');
        if (!(await loaders.user.load(id))) throw notFound('No user has that id.');
        return pubsub.subscribe<UserStatsModel>(userStatsChannel(id));
      },
      resolve: (event: UserStatsModel) => event,
    },
    viewerStatsChanged: {
      subscribe: (_, __, { viewer, pubsub }) => pubsub.subscribe<UserStatsModel>(userStatsChannel(requireViewer(viewer).id)),
      resolve: (event: UserStatsModel) => event,
    },
  },

  User: {
    __resolveReference: ({ id }, { loaders }) => loadById(loaders.user, id),
    email: (user, _, context) => (mayReadPrivate(user, context) ? user.email : null),
    followersCount: (user, _, { loaders }) => loaders.followersCount.load(user.id),
    followingCount: (user, _, { loaders }) => loaders.followingCount.load(user.id),
    isFollowedByViewer: (user, _, { loaders }) => loaders.followedByViewer.load(user.id),
    followers: (user, args, { follows }) => follows.followers(user.id, pageRequest(args)),
    following: (user, args, { follows }) => follows.following(user.id, pageRequest(args)),
    followingIds: (user, _, { loaders }) => loaders.followingIds.load(user.id),
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    users: (_, __, { loaders }) => loaders.rowCount.load('users'),
  },

  AuditEntry: {
    at: (entry) => entry.createdAt,
    actor: (entry, _, { loaders }) => (entry.actorId === null ? null : loaders.user.load(entry.actorId)),
  },

  UserConnection: {
    totalCount: (connection) => connection.totalCount(),
  },

  UserStats: {
    user: async (stats, _, { loaders }) => {
      const user = await loaders.user.load(stats.userId);
      if (!user) throw notFound('The user no longer exists.');
      return user;
    },
    followersCount: (stats, _, { loaders }) => loaders.followersCount.load(stats.userId),
    followingCount: (stats, _, { loaders }) => loaders.followingCount.load(stats.userId),
  },
};
