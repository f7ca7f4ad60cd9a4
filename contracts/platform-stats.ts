import { requireAdmin } from '../platform/auth/token-verifier.js';
import type { Viewer } from '../platform/auth/token-verifier.js';

/**
 * `PlatformStats` is one entity (`@key(fields: "id")`, the id hidden from clients) that
 * users returns from `Query.platformStats` and to which every domain adds the counts it
 * owns. There is one set of totals, so one id.
 */
export const PLATFORM_STATS_ID = 'platform';

export interface PlatformStatsReference {
  id: string;
}

/**
 * Every domain's `PlatformStats.__resolveReference`: the counts are for admins, and each
 * subgraph checks that itself (it is reachable without the gateway's query plan). Null for
 * any other id.
 */
export function platformStatsReference(reference: PlatformStatsReference, viewer: Viewer | null): PlatformStatsReference | null {
  requireAdmin(viewer);
  return reference.id === PLATFORM_STATS_ID ? { id: PLATFORM_STATS_ID } : null;
}
