import { BloomFilter } from 'bloomfilter';
import type { PrismaClient } from '../../prisma/links/generated/client.js';
import { LINK_CHANGED_CHANNEL } from '../../contracts/links-internal.js';
import type { LinkChanged } from '../../contracts/links-internal.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { Logger } from '../../platform/observability/logger.js';

/** 1% false positives: one random code in a hundred costs a database lookup. */
const FALSE_POSITIVE_RATE = 0.01;
const MIN_CAPACITY = 100_000;
/** Catches up with codes whose live event was lost (Redis away): one cheap query per period. */
const RESYNC_MS = 30_000;

export type CodeFilter = Awaited<ReturnType<typeof openCodeFilter>>;

function sizedFilter(capacity: number): BloomFilter {
  const bits = Math.ceil((-capacity * Math.log(FALSE_POSITIVE_RATE)) / Math.LN2 ** 2);
  return new BloomFilter(bits, Math.max(1, Math.round((bits / capacity) * Math.LN2)));
}

/**
 * Which codes may exist, in memory: a Bloom filter of every code key ever issued, so that a
 * flood of random codes at the redirect is answered "unknown" without reaching the database.
 * It has no false negatives as long as it hears of every new code: this replica adds its own
 * at once, other replicas' arrive as `linkChanged` events, and a periodic catch-up reads the
 * codes created since the last one. It is rebuilt, twice as large, when it fills up.
 */
export async function openCodeFilter({ db, pubsub, logger }: { db: PrismaClient; pubsub: PubSub; logger: Logger }) {
  let filter = sizedFilter(MIN_CAPACITY);
  let capacity = MIN_CAPACITY;
  let size = 0;
  let syncedTo = new Date(0);
  /** Codes heard of while a rebuild reads the table: added to the new filter too. */
  let heardDuringRebuild: string[] | null = null;

  const add = (codeKey: string): void => {
    // A code is heard of more than once (created here, then announced back to this replica,
    // then announced again when deleted): only a new one fills the filter.
    const seen = filter.test(codeKey);
    filter.add(codeKey);
    heardDuringRebuild?.push(codeKey);
    if (!seen) size += 1;
    if (size > capacity && !heardDuringRebuild) void rebuild().catch((error: unknown) => logger.warn('code filter rebuild failed', { error }));
  };

  async function rebuild(): Promise<void> {
    const heard: string[] = [];
    heardDuringRebuild = heard;
    try {
      const count = await db.link.count();
      const next = sizedFilter(Math.max(MIN_CAPACITY, count * 2));
      const startedAt = new Date();
      let cursor: string | undefined;
      for (;;) {
        const rows = await db.link.findMany({ select: { id: true, codeKey: true }, orderBy: { id: 'asc' }, take: 10_000, ...(cursor && { cursor: { id: cursor }, skip: 1 }) });
        for (const row of rows) next.add(row.codeKey);
        if (rows.length < 10_000) break;
        cursor = rows.at(-1)!.id;
      }
      for (const codeKey of heard) next.add(codeKey);
      filter = next;
      capacity = Math.max(MIN_CAPACITY, count * 2);
      size = count + heard.length;
      syncedTo = startedAt;
    } finally {
      heardDuringRebuild = null;
    }
  }

  async function catchUp(): Promise<void> {
    // A minute of overlap: a transaction that committed late still has its code seen.
    const since = new Date(syncedTo.getTime() - 60_000);
    const startedAt = new Date();
    const rows = await db.link.findMany({ where: { createdAt: { gte: since } }, select: { codeKey: true } });
    for (const row of rows) filter.add(row.codeKey);
    syncedTo = startedAt;
  }

  await rebuild();
  const events = pubsub.subscribe<LinkChanged>(LINK_CHANGED_CHANNEL);
  void (async () => {
    for await (const event of events) if (typeof event.codeKey === 'string') add(event.codeKey);
  })().catch((error: unknown) => logger.warn('link events stopped', { error }));
  const timer = setInterval(() => void catchUp().catch((error: unknown) => logger.warn('code filter catch-up failed', { error })), RESYNC_MS);
  timer.unref();

  return {
    /** False: the code was never issued. True: it may have been (ask the database). */
    mayExist: (codeKey: string): boolean => filter.test(codeKey),
    add,
    close: async (): Promise<void> => {
      clearInterval(timer);
      await events.return?.();
    },
  };
}
