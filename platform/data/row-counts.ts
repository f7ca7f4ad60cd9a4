import type DataLoader from 'dataloader';
import { batchLoader } from '../loaders.js';

/** What reading counters needs of a domain's Prisma client, whichever schema generated it. */
export interface RawQueries {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * The rows of each named table, read from the domain's `row_counts` (kept by triggers in
 * the transaction of every insert and delete; see any `*_row_counts` migration): one
 * statement over at most 16 rows per table, however many rows the tables hold. Per
 * request, like every loader.
 */
export const rowCountLoader = (db: RawQueries): DataLoader<string, number> =>
  batchLoader(
    async (tables: readonly string[]) =>
      db.$queryRawUnsafe<Array<{ table_name: string; rows: string }>>(
        'SELECT table_name, sum(count)::text AS rows FROM row_counts WHERE table_name = ANY($1::text[]) GROUP BY table_name',
        [...tables],
      ),
    (row) => row.table_name,
    (row) => Number(row.rows),
    0,
  );

