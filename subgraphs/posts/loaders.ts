import type { PrismaClient } from '../../prisma/posts/generated/client.js';
import { batchLoader, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient) {
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    post: rowLoader((ids) => db.post.findMany({ where: { id: { in: [...ids] } } })),
    postsCount: batchLoader(
      (authorIds: readonly string[]) => db.post.groupBy({ by: ['authorId'], where: { authorId: { in: [...authorIds] } }, _count: { _all: true } }),
      (row) => row.authorId,
      (row) => row._count._all,
      0,
    ),
  };
}
