import { Prisma } from '../../prisma/posts/generated/client.js';
import type { Post, PrismaClient } from '../../prisma/posts/generated/client.js';
import { batchLoader, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** Every column of `posts` under the name the Prisma model gives it: a raw row is a `Post`. */
export const POST_COLUMNS = Prisma.raw('id, author_id AS "authorId", body, created_at AS "createdAt", updated_at AS "updatedAt"');

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient) {
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    /**
     * Every `post(id)` and every entity fetch of posts: SQL through Prisma, not `findMany`,
     * whose result mapping cost as much again as the statement (bench/prisma-paths.ts, users
     * by id); measured on post(id) by bench/subgraphs.ts, BENCHMARKS.md "Subgraphs".
     */
    post: rowLoader((ids) => db.$queryRaw<Post[]>`SELECT ${POST_COLUMNS} FROM posts WHERE id = ANY(${[...ids]}::uuid[])`),
    /** From the maintained per-author counts: one key lookup per author, however many posts. */
    postsCount: batchLoader(
      (authorIds: readonly string[]) => db.authorPostCount.findMany({ where: { authorId: { in: [...authorIds] } } }),
      (row) => row.authorId,
      (row) => row.count,
      0,
    ),
  };
}
