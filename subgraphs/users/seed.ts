import type { PrismaClient } from '../../prisma/users/generated/client.js';
import { DEMO_PASSWORD, DEMO_USERS, demoUserId } from '../../contracts/demo.js';
import type { Logger } from '../../platform/observability/logger.js';
import { hashPassword } from './passwords.js';

const BIOS: Record<string, string> = {
  ada: 'Wrote the first program. Admin of this demo.',
  grace: 'Found the first actual bug.',
  alan: 'Can machines think?',
  katherine: 'Computed trajectories by hand, then checked the computers.',
  linus: 'Talk is cheap. Show me the code.',
};

/** Who follows whom in the demo: everyone follows ada, and a few follow each other. */
const FOLLOWS: Array<[string, string]> = [
  ['grace', 'ada'], ['alan', 'ada'], ['katherine', 'ada'], ['linus', 'ada'],
  ['ada', 'grace'], ['alan', 'grace'], ['grace', 'alan'], ['katherine', 'alan'], ['linus', 'katherine'],
];

/**
 * Seeds the demo accounts into an empty users database (first start of the embedded
 * default). Safe to run from several replicas at once: duplicates are skipped.
 */
export async function seedDemoData(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.user.count()) > 0) return;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction([
    db.user.createMany({
      data: DEMO_USERS.map(({ id, username, displayName, role }) => ({
        id,
        username,
        usernameKey: username,
        email: `${username}@example.com`,
        passwordHash,
        displayName,
        role,
        bio: BIOS[username] ?? null,
      })),
      skipDuplicates: true,
    }),
    db.follow.createMany({
      data: FOLLOWS.map(([follower, followee]) => ({ followerId: demoUserId(follower), followeeId: demoUserId(followee) })),
      skipDuplicates: true,
    }),
  ]);
  logger.info('seeded demo users', { users: DEMO_USERS.length });
}
