import type { PrismaClient } from '../../prisma/links/generated/client.js';
import DataLoader from 'dataloader';
import { batchLoader, listLoader, rowLoader } from '../../platform/loaders.js';
import { rowCountLoader } from '../../platform/data/row-counts.js';
import type { ClickInterval } from './rules.js';

export type Loaders = ReturnType<typeof createLoaders>;

export interface ReferrerCountModel {
  referrer: string;
  clicks: number;
}

/** One set per request: each batches the loads of a request into one query. */
export function createLoaders(db: PrismaClient) {
  /** Loaders that take arguments: one per distinct argument set, so a list selecting the same field batches. */
  const byArguments = <Loader>(make: (key: string) => Loader) => {
    const loaders = new Map<string, Loader>();
    return (key: string): Loader => {
      let loader = loaders.get(key);
      if (!loader) loaders.set(key, (loader = make(key)));
      return loader;
    };
  };

  return {
    /**
     * platformStats' counters, kept by triggers on links: 'links' (not deleted) and 'clicks'
     * (theirs), in row_counts as other domains keep their rows per table.
     */
    rowCount: rowCountLoader(db),
    link: rowLoader((ids: readonly string[]) => db.link.findMany({ where: { id: { in: [...ids] } } })),
    linkByCodeKey: batchLoader(
      (codeKeys: readonly string[]) => db.link.findMany({ where: { codeKey: { in: [...codeKeys] } } }),
      (link) => link.codeKey,
      (link) => link,
      null,
    ),
    /** The `first` referrers of each link, most clicks first. */
    topReferrers: byArguments((first) =>
      listLoader(
        (linkIds: readonly string[]) =>
          db.$queryRaw<Array<{ link_id: string; referrer: string; clicks: number }>>`
            SELECT link_id, referrer, clicks FROM (
              SELECT link_id, referrer, clicks, row_number() OVER (PARTITION BY link_id ORDER BY clicks DESC, referrer) AS rank
              FROM link_referrers WHERE link_id = ANY(${[...linkIds]}::uuid[])
            ) ranked WHERE rank <= ${Number(first)} ORDER BY link_id, rank`,
        (row) => row.link_id,
        (row): ReferrerCountModel => ({ referrer: row.referrer, clicks: row.clicks }),
      ),
    ),
    /** Clicks per bucket of each link between two bucket starts (a key of interval|first|last). */
    clickBuckets: byArguments((key) => {
      const [interval, first, last] = key.split('|') as [ClickInterval, string, string];
      const unit = interval === 'HOUR' ? 'hour' : 'day';
      return new DataLoader<string, Map<number, number>>(async (linkIds) => {
        const rows = await db.$queryRaw<Array<{ link_id: string; start: Date; clicks: number }>>`
          SELECT link_id, date_trunc(${unit}, hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, sum(clicks)::int AS clicks
          FROM link_click_hours
          WHERE link_id = ANY(${[...linkIds]}::uuid[]) AND hour >= ${new Date(Number(first))} AND hour < ${new Date(Number(last))}
          GROUP BY 1, 2`;
        const found = new Map<string, Map<number, number>>();
        for (const row of rows) {
          const buckets = found.get(row.link_id) ?? new Map<number, number>();
          buckets.set(row.start.getTime(), row.clicks);
          found.set(row.link_id, buckets);
        }
        return linkIds.map((id) => found.get(id) ?? new Map());
      });
    }),
  };
}
