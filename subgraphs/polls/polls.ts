import type { PrismaClient } from '../../prisma/polls/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS, prismaErrorCode } from '../../platform/data/database.js';
import { badUserInput, conflict, forbidden, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/messaging/outbox.js';
import type { OutboxRelay } from '../../platform/messaging/outbox.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import { auditRecorded } from '../../contracts/audit-events.js';
import { keysetPage, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import type { KnownPosts } from './known-posts.js';
import type { PollConnectionModel, PollModel, PollResultsEvent } from './models.js';
import { isClosed, parseCreatePoll } from './validation.js';
import type { CreatePollArgs } from './validation.js';

export type Polls = ReturnType<typeof createPolls>;

export const pollResultsChannel = (pollId: string): string => `pollResultsChanged:${pollId}`;

export interface PollsDeps {
  db: PrismaClient;
  /** Relays the outbox (audit events) once a write committed. */
  relay: OutboxRelay;
  knownPosts: KnownPosts;
  pubsub: PubSub;
}

export const POLL_FIELDS = { id: true, authorId: true, postId: true, question: true, closesAt: true, closedAt: true, createdAt: true } as const;

// A vote that finds the user's row gone or changed under it looks again; more rounds
// than this mean something is wrong, not busy.
const VOTE_ATTEMPTS = 3;

/**
 * Creating polls, voting and closing. Each option's `votes` counter is changed in the same
 * transaction as the vote row it counts, so results are read without counting rows.
 */
export function createPolls({ db, relay, knownPosts, pubsub }: PollsDeps) {
  /** Tells the poll's subscribers its results changed, after the write committed. */
  const publishResults = (pollId: string): Promise<void> => pubsub.publish(pollResultsChannel(pollId), { pollId } satisfies PollResultsEvent);

  const existing = async (pollId: string): Promise<PollModel> => {
    const poll = await db.poll.findUnique({ where: { id: requireId(pollId, 'pollId') }, select: POLL_FIELDS });
    if (!poll) throw notFound('No poll has that id.');
    return poll;
  };

  return {
    existing,

    async create(viewer: Viewer, input: CreatePollArgs): Promise<PollModel> {
      const now = new Date();
      const poll = parseCreatePoll(input, now);
      if (poll.postId !== null && (await knownPosts.authorOf(poll.postId)) !== viewer.id) {
        throw forbidden('A poll can only be attached to one of your own posts.');
      }
      try {
        const created = await db.$transaction(async (tx) => {
          if (poll.postId !== null) {
            // Holding the post's row shared: a deletion (which updates it) waits for this poll,
            // then detaches it; a poll after the deletion sees the tombstone.
            const [post] = await tx.$queryRaw<Array<{ deleted_at: Date | null }>>`SELECT deleted_at FROM known_posts WHERE id = ${poll.postId}::uuid FOR SHARE`;
            if (!post || post.deleted_at) return null;
          }
          return tx.poll.create({
            data: {
              authorId: viewer.id,
              postId: poll.postId,
              question: poll.question,
              closesAt: poll.closesAt,
              options: { createMany: { data: poll.options.map((text, position) => ({ text, position })) } },
            },
            select: POLL_FIELDS,
          });
        }, TRANSACTION_OPTIONS);
        if (!created) throw notFound('No post has that id.');
        return created;
      } catch (error) {
        // polls.post_id is unique: the post carries a poll already (perhaps created a moment ago).
        if (prismaErrorCode(error) === 'P2002') throw conflict('That post already carries a poll.', 'postId');
        throw error;
      }
    },

    /**
     * Casts the viewer's vote, or moves it to another option; the same option again changes
     * nothing. A closed poll, or an option of another poll, is BAD_USER_INPUT.
     */
    async vote(viewer: Viewer, pollId: string, optionId: string): Promise<PollModel> {
      const id = requireId(pollId, 'pollId');
      const option = requireId(optionId, 'optionId');
      const changed = await db.$transaction(async (tx) => {
        // Shared lock on the poll: closePoll (an update of this row) waits for the votes under
        // way and every vote after it sees the poll closed, so no vote lands after a close.
        const [poll] = await tx.$queryRaw<Array<{ closed_at: Date | null; closes_at: Date | null; has_option: boolean }>>`
          SELECT p.closed_at, p.closes_at, EXISTS (SELECT 1 FROM poll_options o WHERE o.id = ${option}::uuid AND o.poll_id = p.id) AS has_option
          FROM polls p WHERE p.id = ${id}::uuid FOR SHARE OF p`;
        if (!poll) throw notFound('No poll has that id.');
        if (isClosed({ closedAt: poll.closed_at, closesAt: poll.closes_at }, new Date())) throw badUserInput('This poll is closed.', 'pollId');
        if (!poll.has_option) throw badUserInput('optionId is not an option of this poll.', 'optionId');

        for (let attempt = 0; attempt < VOTE_ATTEMPTS; attempt += 1) {
          // A first vote is the common case, so it is tried first. ON CONFLICT DO NOTHING: when
          // the user voted before (or is voting at this moment), nothing is inserted and the
          // vote is moved below.
          const { count } = await tx.vote.createMany({ data: [{ pollId: id, userId: viewer.id, optionId: option }], skipDuplicates: true });
          if (count > 0) {
            await tx.pollOption.updateMany({ where: { id: option }, data: { votes: { increment: 1 } } });
            return true;
          }
          const [previous] = await tx.$queryRaw<Array<{ option_id: string }>>`SELECT option_id FROM votes WHERE poll_id = ${id}::uuid AND user_id = ${viewer.id}::uuid FOR UPDATE`;
          // Gone again (a concurrent transaction rolled back its insert): try the insert again.
          if (!previous) continue;
          if (previous.option_id === option) return false;
          await tx.$executeRaw`UPDATE votes SET option_id = ${option}::uuid, updated_at = now() WHERE poll_id = ${id}::uuid AND user_id = ${viewer.id}::uuid`;
          // In id order, so two votes moving in opposite directions cannot deadlock.
          const steps: Array<[string, number]> = [[previous.option_id, -1], [option, 1]];
          steps.sort(([a], [b]) => (a < b ? -1 : 1));
          for (const [counter, step] of steps) await tx.pollOption.updateMany({ where: { id: counter }, data: { votes: { increment: step } } });
          return true;
        }
        throw new Error('vote: the viewer\'s vote kept changing under this one');
      }, TRANSACTION_OPTIONS);
      if (changed) await publishResults(id);
      return existing(id);
    },

    /** Ends voting for good: the author or an admin may. Closing a closed poll changes nothing. */
    async close(viewer: Viewer, pollId: string): Promise<PollModel> {
      const poll = await existing(pollId);
      if (poll.authorId !== viewer.id && viewer.role !== 'ADMIN') throw forbidden('Only the author or an admin can close a poll.');
      const count = await db.$transaction(async (tx) => {
        // Waits for the votes holding the poll shared; every vote after this sees it closed.
        await tx.$queryRaw`SELECT 1 FROM polls WHERE id = ${poll.id}::uuid FOR NO KEY UPDATE`;
        // Taken once those votes committed, so closed_at is when voting really ended.
        const closed = await tx.$executeRaw`UPDATE polls SET closed_at = clock_timestamp() WHERE id = ${poll.id}::uuid AND closed_at IS NULL AND (closes_at IS NULL OR closes_at > ${new Date()})`;
        // Someone else's poll: an admin's moderation, which the audit log keeps.
        if (closed > 0 && poll.authorId !== viewer.id) {
          await writeOutbox(tx, auditRecorded({ actorId: viewer.id, action: 'POLL_CLOSED_BY_ADMIN', subjectType: 'Poll', subjectId: poll.id, detail: `by user ${poll.authorId}: ${poll.question.slice(0, 100)}`, domain: 'polls' }));
        }
        return closed;
      }, TRANSACTION_OPTIONS);
      if (count > 0) await Promise.all([relay.flush(), publishResults(poll.id)]);
      return existing(poll.id);
    },

    /** Every poll, newest first. */
    all: (request: PageRequest): Promise<PollConnectionModel> =>
      keysetPage(request, 'id', ({ where, ...args }) => db.poll.findMany({ where, select: POLL_FIELDS, ...args }), (poll) => poll),

    /** The user's polls, newest first. */
    byAuthor: (authorId: string, request: PageRequest): Promise<PollConnectionModel> =>
      keysetPage(request, 'id', ({ where, ...args }) => db.poll.findMany({ where: { authorId, ...where }, select: POLL_FIELDS, ...args }), (poll) => poll),

    /** Detaches a deleted post's poll, then tells its subscribers (`post` is null now). */
    async postDeleted(event: Parameters<KnownPosts['deleted']>[0]): Promise<void> {
      for (const detached of await knownPosts.deleted(event)) await publishResults(detached);
    },
  };
}
