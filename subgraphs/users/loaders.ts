import type { PrismaClient } from '../../prisma/users/generated/client.js';
import type { Viewer } from '../shared/auth.js';
import { batchLoader, listLoader, rowLoader } from '../shared/loaders.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient, viewer: Viewer | null) {
  const countBy = (column: 'followeeId' | 'followerId') =>
    batchLoader(
      (ids: readonly string[]) =>
        db.follow.groupBy({ by: [column], where: { [column]: { in: [...ids] } }, _count: { _all: true } }),
      (row) => row[column],
      (row) => row._count._all,
      0,
    );
  return {
    user: rowLoader((ids) => db.user.findMany({ where: { id: { in: [...ids] } } })),
    followersCount: countBy('followeeId'),
    followingCount: countBy('followerId'),
    followingIds: listLoader(
      (ids: readonly string[]) => db.follow.findMany({ where: { followerId: { in: [...ids] } }, select: { followerId: true, followeeId: true } }),
      (row) => row.followerId,
      (row) => row.followeeId,
    ),
    /** Whether the viewer follows each user; every key is false for anonymous viewers. */
    followedByViewer: batchLoader(
      async (ids: readonly string[]) =>
        viewer ? db.follow.findMany({ where: { followerId: viewer.id, followeeId: { in: [...ids] } }, select: { followeeId: true } }) : [],
      (row) => row.followeeId,
      () => true,
      false,
    ),
  };
}
