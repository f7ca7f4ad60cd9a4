import { requireViewer } from '../../platform/auth/token-verifier.js';
import { loadById } from '../../platform/loaders.js';
import { pageRequest } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import { platformStatsReference } from '../../contracts/platform-stats.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import type { Context } from './context.js';
import { withPercentages } from './loaders.js';
import type { PollResultsEvent } from './models.js';
import { pollResultsChannel } from './polls.js';
import { isClosed } from './validation.js';

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    poll: (_, { id }, { loaders }) => loadById(loaders.poll, id),
    polls: (_, args, { polls }) => polls.all(pageRequest(args)),
  },

  Mutation: {
    createPoll: (_, { input }, { viewer, polls }) => polls.create(requireViewer(viewer), input),
    vote: (_, { pollId, optionId }, { viewer, polls }) => polls.vote(requireViewer(viewer), pollId, optionId),
    closePoll: (_, { pollId }, { viewer, polls }) => polls.close(requireViewer(viewer), pollId),
  },

  Subscription: {
    pollResultsChanged: {
      subscribe: async (_, { pollId }, { polls, pubsub }) => {
        const { id } = await polls.existing(pollId);
        return pubsub.subscribe<PollResultsEvent>(pollResultsChannel(id));
      },
      // Read when the event is executed (a fresh context per event), never from the payload.
      resolve: async (event: PollResultsEvent, _args: unknown, { loaders }: Context) => {
        const poll = await loaders.poll.load(event.pollId);
        if (!poll) throw new Error(`poll ${event.pollId} vanished`);
        return poll;
      },
    },
  },

  Poll: {
    __resolveReference: ({ id }, { loaders }) => loadById(loaders.poll, id),
    options: async (poll, _, { loaders }) => withPercentages(await loaders.options.load(poll.id)),
    totalVotes: async (poll, _, { loaders }) => (await loaders.options.load(poll.id)).reduce((sum, option) => sum + option.votes, 0),
    author: (poll) => ({ id: poll.authorId }),
    post: (poll) => (poll.postId === null ? null : { id: poll.postId }),
    isClosed: (poll) => isClosed(poll, new Date()),
    viewerVote: async (poll, _, { loaders }) => {
      const [optionId, options] = await Promise.all([loaders.viewerVote.load(poll.id), loaders.options.load(poll.id)]);
      return optionId === null ? null : (withPercentages(options).find((option) => option.id === optionId) ?? null);
    },
  },

  Post: {
    // Polls stores nothing about a post but which poll it carries: the reference is all it needs.
    __resolveReference: ({ id }) => ({ id }),
    poll: (post, _, { loaders }) => loadById(loaders.pollByPost, post.id),
  },

  User: {
    __resolveReference: ({ id }) => ({ id }),
    polls: (user, args, { polls }) => polls.byAuthor(user.id, pageRequest(args)),
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    polls: (_, __, { loaders }) => loaders.rowCount.load('polls'),
    votes: (_, __, { loaders }) => loaders.rowCount.load('votes'),
  },
};
