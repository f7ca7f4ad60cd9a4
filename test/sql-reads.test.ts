import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostsClient } from '../prisma/posts/generated/client.js';
import { PrismaClient } from '../prisma/users/generated/client.js';
import { createDatabasePool } from '../platform/data/database.js';
import { applyMigrations } from '../platform/data/migrations.js';
import { createLogger } from '../platform/observability/logger.js';
import { projectPath } from '../platform/paths.js';
import type { PageRequest } from '../platform/pagination.js';
import { decodeCursor } from '../platform/pagination.js';
import { createPosts } from '../subgraphs/posts/posts.js';
import type { Posts } from '../subgraphs/posts/posts.js';
import { loadersOver as postLoadersOver } from '../subgraphs/posts/loaders.js';
import { loadersOver } from '../subgraphs/users/loaders.js';
import { createDatabase, sql } from './support/databases.js';
import { startStatementCounter } from './support/statement-counter.js';
import type { StatementCounter } from './support/statement-counter.js';

/** A fresh, migrated database of one domain with a Prisma client on it, dropped afterwards. */
async function withDomainDatabase<Client extends { $disconnect(): Promise<void> }>(
  domain: 'users' | 'posts',
  connect: (adapter: PrismaPg) => Client,
  run: (db: Client, url: string, statements: StatementCounter) => Promise<void>,
): Promise<void> {
  const database = await createDatabase(`${domain}_rows`);
  const counter = await startStatementCounter(database.url);
  const pool = createDatabasePool(counter.url, 2);
  const db = connect(new PrismaPg(pool));
  try {
    await applyMigrations(database.url, projectPath('prisma', domain, 'migrations'), createLogger('sql-reads-test', 'silent'));
    await run(db, database.url, counter);
  } finally {
    await db.$disconnect();
    await pool.end();
    await counter.close();
    await database.close();
  }
}

// The hot reads go through SQL on Prisma (users and posts by id, the public timeline): their
// rows must be exactly what Prisma's model gives, column for column, or a column added to the
// model would go missing; and the timeline must page exactly as the findMany lists do.
test('users loaded by id through SQL are the rows Prisma reads, every field and type alike', async () => {
  await withDomainDatabase('users', (adapter) => new PrismaClient({ adapter }), async (db, url) => {
    const [alice] = await sql<{ id: string }>(
      url,
      `INSERT INTO users (id, username, username_key, email, password_hash, display_name, bio, role, updated_at)
       VALUES (gen_random_uuid(), 'Alice', 'alice', 'alice@example.com', 'hash', 'Alice A.', 'Hello', 'ADMIN', now()) RETURNING id`,
    );
    const [bob] = await sql<{ id: string }>(
      url,
      `INSERT INTO users (id, username, username_key, email, password_hash, updated_at) VALUES (gen_random_uuid(), 'bob', 'bob', 'bob@example.com', 'hash', now()) RETURNING id`,
    );
    const loaders = loadersOver(db)(null);
    for (const userId of [alice!.id, bob!.id]) {
      const loaded = await loaders.user.load(userId);
      const model = await db.user.findUniqueOrThrow({ where: { id: userId } });
      expect(loaded).toEqual(model);
      expect(Object.keys(loaded!).sort()).toEqual(Object.keys(model).sort());
      expect(loaded!.createdAt).toBeInstanceOf(Date);
    }
    expect(await loaders.user.load('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

test('the public timeline (SQL) pages exactly as a findMany list does, ties in the same millisecond included', async () => {
  await withDomainDatabase('posts', (adapter) => new PostsClient({ adapter }), async (db, url) => {
    const author = '00000000-0000-4000-8000-000000000001';
    // 3 posts share each millisecond: the id breaks the tie.
    await sql(
      url,
      `INSERT INTO posts (id, author_id, body, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'post ' || n, timestamptz '2026-01-01 12:00:00+00' + (n / 3) * interval '1 millisecond', now() FROM generate_series(1, 25) AS n`,
      [author],
    );
    // Only the read paths are used: no relay or pub/sub is reached.
    const posts: Posts = createPosts({ db, relay: undefined as never, pubsub: undefined as never, logger: createLogger('timeline-rows-test', 'silent') });
    for (const first of [1, 4, 7]) {
      const pages: Array<[Awaited<ReturnType<Posts['publicTimeline']>>, Awaited<ReturnType<Posts['byAuthor']>>]> = [];
      let request: PageRequest = { first, after: null };
      for (;;) {
        const page: [Awaited<ReturnType<Posts['publicTimeline']>>, Awaited<ReturnType<Posts['byAuthor']>>] = [await posts.publicTimeline(request), await posts.byAuthor(author, request)];
        pages.push(page);
        if (!page[0].pageInfo.hasNextPage) break;
        request = { first, after: decodeCursor(page[0].pageInfo.endCursor!) };
      }
      for (const [timeline, byAuthor] of pages) expect(timeline).toEqual(byAuthor);
      expect(pages.flatMap(([timeline]) => timeline.edges)).toHaveLength(25);
    }
  });
});

test('posts loaded by id through SQL, in one batch, are the rows Prisma reads, every field and type alike', async () => {
  await withDomainDatabase('posts', (adapter) => new PostsClient({ adapter }), async (db, url) => {
    const rows = await sql<{ id: string }>(
      url,
      `INSERT INTO posts (id, author_id, body, created_at, updated_at)
       VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'first ✓ "quoted"', now() - interval '1 day', now()),
              (gen_random_uuid(), '00000000-0000-4000-8000-000000000002', 'second', now(), now())
       RETURNING id`,
    );
    const ids = rows.map((row) => row.id);
    const loaders = postLoadersOver(db)();
    const missing = '00000000-0000-4000-8000-0000000000ff';
    const loaded = await Promise.all([...ids, missing].map((id) => loaders.post.load(id)));
    expect(loaded[2]).toBeNull();
    for (const [index, id] of ids.entries()) {
      const model = await db.post.findUniqueOrThrow({ where: { id } });
      expect(loaded[index]).toEqual(model);
      expect(Object.keys(loaded[index]!).sort()).toEqual(Object.keys(model).sort());
      expect(loaded[index]!.createdAt).toBeInstanceOf(Date);
    }
  });
});

test('requests for one page of the public timeline in the same turn share one statement; a later request reads anew', async () => {
  await withDomainDatabase('posts', (adapter) => new PostsClient({ adapter }), async (db, url, statements) => {
    const insertPost = (body: string) =>
      sql(url, `INSERT INTO posts (id, author_id, body, updated_at) VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000001', $1, now())`, [body]);
    await insertPost('older');
    const posts = createPosts({ db, relay: undefined as never, pubsub: undefined as never, logger: createLogger('timeline-shared-test', 'silent') });
    const bodies = (page: Awaited<ReturnType<Posts['publicTimeline']>>) => page.edges.map((edge) => (edge.node as { body: string }).body);
    await posts.publicTimeline({ first: 1, after: null });

    const before = statements.count();
    const pages = await Promise.all([...Array.from({ length: 5 }, () => posts.publicTimeline({ first: 1, after: null })), posts.publicTimeline({ first: 2, after: null })]);
    expect(statements.count() - before).toBe(2);
    expect(pages.map(bodies)).toEqual([...Array.from({ length: 5 }, () => ['older']), ['older']]);

    // Asked after a post was written: a statement of its own, which sees it.
    await insertPost('newer');
    const after = statements.count();
    const newest = await posts.publicTimeline({ first: 1, after: null });
    expect(bodies(newest)).toEqual(['newer']);
    expect(statements.count() - after).toBe(1);

    // Pages after different cursors are different reads, even when asked together.
    const together = statements.count();
    const cursor = decodeCursor(newest.pageInfo.endCursor!);
    const [first, next] = await Promise.all([posts.publicTimeline({ first: 1, after: null }), posts.publicTimeline({ first: 1, after: cursor })]);
    expect([bodies(first), bodies(next)]).toEqual([['newer'], ['older']]);
    expect(statements.count() - together).toBe(2);
  });
});
