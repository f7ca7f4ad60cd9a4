import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { batchLoader, membershipLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient, viewer: Viewer | null) {
  return {
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    /** From the maintained per-post counts: one primary-key lookup per post, however many likes. */
    likeCount: batchLoader(
      (postIds: readonly string[]) => db.postLikeCount.findMany({ where: { postId: { in: [...postIds] } } }),
      (row) => row.postId,
      (row) => row.count,
      0,
    ),
    /** Whether the viewer likes each post; every key is false for anonymous viewers. */
    likedByViewer: membershipLoader(async (postIds: readonly string[]) =>
      viewer ? (await db.like.findMany({ where: { userId: viewer.id, postId: { in: [...postIds] } }, select: { postId: true } })).map((row) => row.postId) : [],
    ),
  };
}
