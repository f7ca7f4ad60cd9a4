import { Prisma } from '../../prisma/posts/generated/client.js';
import type { Post, PrismaClient } from '../../prisma/posts/generated/client.js';
import { batchLoader, coalescedFetch, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';

export type Loaders = ReturnType<ReturnType<typeof loadersOver>>;

/** Every column of `posts` under the name the Prisma model gives it: a raw row is a `Post`. */
export const POST_COLUMNS = Prisma.raw('id, author_id AS "authorId", body, created_at AS "createdAt", updated_at AS "updatedAt"');

/**
 * What the requests on `db` share, and makes one set of loaders per request: each batches
 * the loads of a request into one query.
 */
export function loadersOver(db: PrismaClient) {
  /**
   * Every `post(id)` and every entity fetch of posts: SQL through Prisma, not `findMany`,
   * whose result mapping cost as much again as the statement (bench/prisma-paths.ts, users
   * by id); measured on post(id) by bench/subgraphs.ts, BENCHMARKS.md "Subgraphs". A post
   * reads the same for every viewer, so concurrent requests share the statement.
   */
  const postsById = coalescedFetch((ids: readonly string[]) => db.$queryRaw<Post[]>`SELECT ${POST_COLUMNS} FROM posts WHERE id = ANY(${[...ids]}::uuid[])`);
  return () => ({
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    post: rowLoader(postsById),
    /** From the maintained per-author counts: one key lookup per author, however many posts. */
    postsCount: batchLoader(
      (authorIds: readonly string[]) => db.authorPostCount.findMany({ where: { authorId: { in: [...authorIds] } } }),
      (row) => row.authorId,
      (row) => row.count,
      0,
    ),
  });
}
