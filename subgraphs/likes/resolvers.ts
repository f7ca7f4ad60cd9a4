import { requireViewer } from '../../platform/auth/token-verifier.js';
import { pageRequest, requireId } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import { platformStatsReference } from '../../contracts/platform-stats.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { postLikesChannel } from './likes.js';
import type { Loaders } from './loaders.js';
import type { PostLikeStatsModel, PostReference } from './models.js';

/** The post, after dropping what `loaders` remember of its likes. */
function forget(loaders: Loaders, post: PostReference): PostReference {
  loaders.likeCount.clear(post.id);
  loaders.likedByViewer.clear(post.id);
  return post;
}

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    // The schema's default is 10; an explicit null means the same.
    popularPosts: (_, { first, since }, { likes }) => likes.popular(pageRequest({ first: first ?? 10 }).first, since ?? null),
  },

  // Mutations run one after another in a request: each forgets what the request's loaders
  // read of the post before it, so `likePost` then `unlikePost` in one request answer each
  // with the count after its own write.
  Mutation: {
    likePost: async (_, { postId }, { viewer, likes, loaders }) => forget(loaders, await likes.like(requireViewer(viewer), postId)),
    unlikePost: async (_, { postId }, { viewer, likes, loaders }) => forget(loaders, await likes.unlike(requireViewer(viewer), postId)),
  },

  Subscription: {
    postLikesChanged: {
      subscribe: async (_, { postId }, { knownPosts, pubsub }) => {
        const id = requireId(postId, 'postId');
        await knownPosts.require(id);
        return pubsub.subscribe<PostLikeStatsModel>(postLikesChannel(id));
      },
      resolve: (event: PostLikeStatsModel) => event,
    },
  },

  PostLikeStats: {
    post: (stats) => ({ id: stats.postId }),
    likeCount: (stats, _, { loaders }) => loaders.likeCount.load(stats.postId),
  },

  Post: {
    // Likes stores nothing about a post but its likes: the reference is all it needs.
    __resolveReference: ({ id }) => ({ id }),
    likeCount: (post, _, { loaders }) => loaders.likeCount.load(post.id),
    likedByViewer: (post, _, { loaders }) => loaders.likedByViewer.load(post.id),
    likers: (post, args, { likes }) => likes.likers(post.id, pageRequest(args)),
  },

  User: {
    __resolveReference: ({ id }) => ({ id }),
    likedPosts: (user, args, { likes }) => likes.likedPosts(user.id, pageRequest(args)),
  },

  UserConnection: {
    totalCount: (connection) => connection.totalCount(),
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    likes: (_, __, { loaders }) => loaders.rowCount.load('likes'),
  },
};
