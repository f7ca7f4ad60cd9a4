import type { PrismaClient } from '../../prisma/polls/generated/client.js';
import { DEMO_POSTS, demoUserId } from '../../contracts/demo.js';
import { TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import type { Logger } from '../../platform/observability/logger.js';

interface DemoPoll {
  author: string;
  question: string;
  options: readonly string[];
  /** Voter username → index of the option chosen. */
  votes: Readonly<Record<string, number>>;
  hoursAgo: number;
  /** Index in DEMO_POSTS of the post the poll is attached to. */
  post?: number;
  closesInHours?: number;
  closed?: boolean;
}

const DEMO_POLLS: readonly DemoPoll[] = [
  {
    author: 'ada',
    post: 0,
    question: 'Which domain will you try first?',
    options: ['Posts and likes', 'Polls', 'Links', 'Courses'],
    votes: { grace: 1, alan: 0, katherine: 1, linus: 2 },
    hoursAgo: 71,
  },
  { author: 'grace', question: 'Tabs or spaces?', options: ['Tabs', 'Spaces'], votes: { ada: 1, alan: 0, linus: 0 }, hoursAgo: 20, closesInHours: 24 * 7 },
  {
    author: 'katherine',
    question: 'The best decade for computing so far?',
    options: ['1940s', '1960s', '1980s', '2000s'],
    votes: { ada: 0, grace: 0, alan: 0, linus: 2 },
    hoursAgo: 40,
    closed: true,
  },
];

/**
 * Seeds a few polls with votes into an empty polls database (first start of the embedded
 * default), one on a demo post, and the demo posts into its projection: they are seeded, not
 * created through posts, so no event announces them. Counters are written from the votes.
 */
export async function seedDemoPolls(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.knownPost.count()) > 0 || (await db.poll.count()) > 0) return;
  const now = Date.now();
  await db.$transaction(async (tx) => {
    await tx.knownPost.createMany({ data: DEMO_POSTS.map(({ id, author }) => ({ id, authorId: demoUserId(author) })), skipDuplicates: true });
    for (const demo of DEMO_POLLS) {
      const createdAt = new Date(now - demo.hoursAgo * 3_600_000);
      const chosen = Object.values(demo.votes);
      const poll = await tx.poll.create({
        data: {
          authorId: demoUserId(demo.author),
          postId: demo.post === undefined ? null : (DEMO_POSTS[demo.post]?.id ?? null),
          question: demo.question,
          closesAt: demo.closesInHours === undefined ? null : new Date(now + demo.closesInHours * 3_600_000),
          closedAt: demo.closed ? new Date(now - 3_600_000) : null,
          createdAt,
          options: { createMany: { data: demo.options.map((text, position) => ({ text, position, votes: chosen.filter((index) => index === position).length })) } },
        },
        include: { options: { orderBy: { position: 'asc' } } },
      });
      await tx.vote.createMany({
        data: Object.entries(demo.votes).map(([username, index]) => ({ pollId: poll.id, userId: demoUserId(username), optionId: poll.options[index]?.id ?? '', createdAt, updatedAt: createdAt })),
      });
    }
  }, TRANSACTION_OPTIONS);
  logger.info('seeded demo polls', { polls: DEMO_POLLS.length });
}
