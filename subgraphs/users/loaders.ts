import { Prisma } from '../../prisma/users/generated/client.js';
import type { PrismaClient, User } from '../../prisma/users/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';
import { batchLoader, coalescedFetch, listLoader, membershipLoader, rowLoader } from '../../platform/loaders.js';

export type Loaders = ReturnType<ReturnType<typeof loadersOver>>;

/**
 * How many followed users `followingIds` (what posts needs for homeTimeline) carries: the
 * most recently followed. It travels in every homeTimeline request, so it must stay bounded.
 */
export const FOLLOWING_IDS_LIMIT = 5_000;

/**
 * Every column of `users` under the name the Prisma model gives it, so a raw row is a `User`
 * (the enum as its text, which is what the model's `role` holds).
 */
const USER_COLUMNS = Prisma.raw(
  'id, username, username_key AS "usernameKey", email, password_hash AS "passwordHash", display_name AS "displayName", bio, role::text AS role, created_at AS "createdAt", updated_at AS "updatedAt"',
);

/**
 * What the requests on `db` share, and makes one set of loaders per request: each batches
 * the loads of a request into one query.
 */
export function loadersOver(db: PrismaClient) {
  /**
   * Users by id: every entity fetch from another subgraph (authors of a timeline page) comes
   * here. SQL through Prisma, not `findMany`: bench/subgraphs.ts measured `findMany`'s
   * per-row result mapping at about half a millisecond of CPU for 20 users. The row is the
   * same whoever asks (fields check the viewer), so concurrent requests share the statement.
   */
  const usersById = coalescedFetch((ids: readonly string[]) => db.$queryRaw<User[]>`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY(${[...ids]}::uuid[])`);
  return (viewer: Viewer | null) => createLoaders(db, viewer, usersById);
}

function createLoaders(db: PrismaClient, viewer: Viewer | null, usersById: (ids: readonly string[]) => Promise<User[]>) {
  /** From the maintained per-user counts: one key lookup per user, however many follows. */
  const countOf = (column: 'followers' | 'following') =>
    batchLoader(
      (ids: readonly string[]) => db.userFollowCount.findMany({ where: { userId: { in: [...ids] } } }),
      (row) => row.userId,
      (row) => row[column],
      0,
    );
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    user: rowLoader(usersById),
    followersCount: countOf('followers'),
    followingCount: countOf('following'),
    /** The users each user follows most recently, at most FOLLOWING_IDS_LIMIT of them. */
    followingIds: listLoader(
      (ids: readonly string[]) =>
        db.$queryRaw<Array<{ follower_id: string; followee_id: string }>>`
          SELECT follower_id, followee_id FROM (
            SELECT follower_id, followee_id, row_number() OVER (PARTITION BY follower_id ORDER BY created_at DESC, followee_id DESC) AS rank
              FROM follows WHERE follower_id = ANY(${[...ids]}::uuid[])
          ) ranked WHERE rank <= ${FOLLOWING_IDS_LIMIT}`,
      (row) => row.follower_id,
      (row) => row.followee_id,
    ),
    /** Whether the viewer follows each user; every key is false for anonymous viewers. */
    followedByViewer: membershipLoader(async (ids: readonly string[]) =>
      viewer ? (await db.follow.findMany({ where: { followerId: viewer.id, followeeId: { in: [...ids] } }, select: { followeeId: true } })).map((row) => row.followeeId) : [],
    ),
  };
}
