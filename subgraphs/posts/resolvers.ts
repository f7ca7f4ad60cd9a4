import { requireViewer } from '../../platform/auth/token-verifier.js';
import { loadById } from '../../platform/loaders.js';
import { pageRequest, requireId } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import { platformStatsReference } from '../../contracts/platform-stats.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import type { PostModel } from './models.js';
import { postCreatedChannel } from './posts.js';

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    post: (_, { id }, { loaders }) => loadById(loaders.post, id),
    publicTimeline: (_, args, { posts }) => posts.publicTimeline(pageRequest(args)),
  },

  Mutation: {
    createPost: (_, { body }, { viewer, posts }) => posts.create(requireViewer(viewer), body),
    updatePost: (_, { id, body }, { viewer, posts }) => posts.update(requireViewer(viewer), id, body),
    deletePost: (_, { id }, { viewer, posts }) => posts.remove(requireViewer(viewer), id),
  },

  Subscription: {
    postCreated: {
      subscribe: (_, { authorId }, { pubsub }) => pubsub.subscribe<PostModel>(postCreatedChannel(authorId == null ? null : requireId(authorId, 'authorId'))),
      resolve: (post: PostModel) => post,
    },
  },

  Post: {
    __resolveReference: ({ id }, { loaders }) => loadById(loaders.post, id),
    author: (post) => ({ id: post.authorId }),
  },

  User: {
    __resolveReference: (user) => user,
    posts: (user, args, { posts }) => posts.byAuthor(user.id, pageRequest(args)),
    postsCount: (user, _, { loaders }) => loaders.postsCount.load(user.id),
    homeTimeline: (user, args, { posts }) => posts.homeTimeline(user.followingIds ?? [], pageRequest(args)),
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    posts: (_, __, { loaders }) => loaders.rowCount.load('posts'),
  },
};
