import type { PrismaClient } from '../../prisma/polls/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { batchLoader, listLoader, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';
import type { PollModel, PollOptionModel } from './models.js';
import { POLL_FIELDS } from './polls.js';
import { percentages } from './validation.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** A poll's options in their order with their shares, from the maintained counters. */
export function withPercentages(options: ReadonlyArray<Omit<PollOptionModel, 'percentage'>>): PollOptionModel[] {
  const shares = percentages(options.map((option) => option.votes));
  return options.map((option, index) => ({ ...option, percentage: shares[index] ?? 0 }));
}

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient, viewer: Viewer | null) {
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    poll: rowLoader<PollModel>((ids) => db.poll.findMany({ where: { id: { in: [...ids] } }, select: POLL_FIELDS })),
    pollByPost: batchLoader(
      (postIds: readonly string[]) => db.poll.findMany({ where: { postId: { in: [...postIds] } }, select: POLL_FIELDS }),
      // Only polls with a post are found by post id.
      (poll) => poll.postId ?? '',
      (poll): PollModel | null => poll,
      null,
    ),
    options: listLoader(
      (pollIds: readonly string[]) =>
        db.pollOption.findMany({ where: { pollId: { in: [...pollIds] } }, select: { id: true, pollId: true, text: true, votes: true, position: true }, orderBy: { position: 'asc' } }),
      (option) => option.pollId,
      ({ id, pollId, text, votes }) => ({ id, pollId, text, votes }),
    ),
    /** The option the viewer voted for in each poll; null for every poll when anonymous. */
    viewerVote: batchLoader(
      async (pollIds: readonly string[]) =>
        viewer ? db.vote.findMany({ where: { userId: viewer.id, pollId: { in: [...pollIds] } }, select: { pollId: true, optionId: true } }) : [],
      (vote) => vote.pollId,
      (vote): string | null => vote.optionId,
      null,
    ),
  };
}
