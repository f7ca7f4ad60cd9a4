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
import { createLoaders } from '../subgraphs/users/loaders.js';
import { createDatabase, sql } from './support/databases.js';

// The hot reads go through SQL on Prisma (users by id, the public timeline): their rows must
// be exactly what Prisma's model gives, column for column, or a column added to the model
// would go missing; and the timeline must page exactly as the findMany lists do.
test('users loaded by id through SQL are the rows Prisma reads, every field and type alike', async () => {
  const database = await createDatabase('user_rows');
  const pool = createDatabasePool(database.url, 2);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    await applyMigrations(database.url, projectPath('prisma', 'users', 'migrations'), createLogger('user-rows-test', 'silent'));
    const [alice] = await sql<{ id: string }>(
      database.url,
      `INSERT INTO users (id, username, username_key, email, password_hash, display_name, bio, role, updated_at)
       VALUES (gen_random_uuid(), 'Alice', 'alice', 'alice@example.com', 'hash', 'Alice A.', 'Hello', 'ADMIN', now()) RETURNING id`,
    );
    const [bob] = await sql<{ id: string }>(
      database.url,
      `INSERT INTO users (id, username, username_key, email, password_hash, updated_at) VALUES (gen_random_uuid(), 'bob', 'bob', 'bob@example.com', 'hash', now()) RETURNING id`,
    );
    const loaders = createLoaders(db, null);
    for (const userId of [alice!.id, bob!.id]) {
      const loaded = await loaders.user.load(userId);
      const model = await db.user.findUniqueOrThrow({ where: { id: userId } });
      expect(loaded).toEqual(model);
      expect(Object.keys(loaded!).sort()).toEqual(Object.keys(model).sort());
      expect(loaded!.createdAt).toBeInstanceOf(Date);
    }
    expect(await loaders.user.load('00000000-0000-4000-8000-000000000000')).toBeNull();
  } finally {
    await db.$disconnect();
    await pool.end();
    await database.close();
  }
});

test('the public timeline (SQL) pages exactly as a findMany list does, ties in the same millisecond included', async () => {
  const database = await createDatabase('timeline_rows');
  const pool = createDatabasePool(database.url, 2);
  const db = new PostsClient({ adapter: new PrismaPg(pool) });
  try {
    await applyMigrations(database.url, projectPath('prisma', 'posts', 'migrations'), createLogger('timeline-rows-test', 'silent'));
    const author = '00000000-0000-4000-8000-000000000001';
    // 3 posts share each millisecond: the id breaks the tie.
    await sql(
      database.url,
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
  } finally {
    await db.$disconnect();
    await pool.end();
    await database.close();
  }
});
