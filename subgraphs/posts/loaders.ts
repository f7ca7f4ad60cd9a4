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
    /** From the maintained per-author counts: one key lookup per author, however many posts. */
    postsCount: batchLoader(
      (authorIds: readonly string[]) => db.authorPostCount.findMany({ where: { authorId: { in: [...authorIds] } } }),
      (row) => row.authorId,
      (row) => row.count,
      0,
    ),
  };
}
