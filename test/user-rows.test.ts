import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../prisma/users/generated/client.js';
import { createDatabasePool } from '../platform/data/database.js';
import { applyMigrations } from '../platform/data/migrations.js';
import { createLogger } from '../platform/observability/logger.js';
import { projectPath } from '../platform/paths.js';
import { createLoaders } from '../subgraphs/users/loaders.js';
import { createDatabase, sql } from './support/databases.js';

// The users-by-id loader reads rows with SQL (the entity-fetch hot path): its rows must be
// exactly what Prisma's model gives, column for column, or a column added to the model
// would go missing from every user another subgraph resolves.
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
