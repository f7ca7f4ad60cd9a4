import type { PrismaClient } from '../../prisma/likes/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { batchLoader, coalescedFetch, membershipLoader } from '../../platform/loaders.js';
import { isId } from '../../platform/pagination.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';

export type Loaders = ReturnType<ReturnType<typeof loadersOver>>;

/**
 * What the requests on `db` share, and makes one set of loaders per request: each batches
 * the loads of a request into one query.
 */
export function loadersOver(db: PrismaClient) {
  /**
   * Like counts, from the maintained per-post counts: one key lookup per post, however many
   * likes. Every timeline's entity fetch asks for them and they read the same for everyone,
   * so concurrent requests share the statement; SQL through Prisma rather than `findMany`,
   * whose per-row mapping bench/subgraphs.ts measured on users. A post id from an entity
   * reference is not checked before here: one that is no id has no count, and never reaches
   * the statement it would fail for everyone sharing it.
   */
  const countsByPost = coalescedFetch(async (postIds: readonly string[]) => {
    const ids = postIds.filter(isId);
    return ids.length === 0 ? [] : db.$queryRaw<Array<{ postId: string; count: number }>>`SELECT post_id::text AS "postId", count FROM post_like_counts WHERE post_id = ANY(${ids}::uuid[])`;
  });
  return (viewer: Viewer | null) => ({
    /** Rows per table from the maintained counters (platformStats). */
    rowCount: rowCountLoader(db),
    likeCount: batchLoader(countsByPost, (row) => row.postId, (row) => row.count, 0),
    /**
     * Whether the viewer likes each post; every key is false for anonymous viewers and for
     * what is no post id. One primary-key probe per post, SQL for the same reason as above.
     */
    likedByViewer: membershipLoader(async (postIds: readonly string[]) => {
      const ids = postIds.filter(isId);
      if (!viewer || ids.length === 0) return [];
      const rows = await db.$queryRaw<Array<{ postId: string }>>`SELECT post_id::text AS "postId" FROM likes WHERE user_id = ${viewer.id}::uuid AND post_id = ANY(${ids}::uuid[])`;
      return rows.map((row) => row.postId);
    }),
  });
}
