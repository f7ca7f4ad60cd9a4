// What one users-by-id read costs in this process's CPU, by path: Prisma's findMany, SQL
// through Prisma ($queryRaw), and plain pg. Alternates the paths over several rounds.
//
//   npx tsx bench/prisma-paths.ts [--rounds 4] [--queries 2000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../prisma/users/generated/client.js';
import { createDatabasePool } from '../platform/data/database.js';
import { applyMigrations } from '../platform/data/migrations.js';
import { createLogger } from '../platform/observability/logger.js';
import { projectPath } from '../platform/paths.js';
import { benchDatabases, runBenchmark } from './support.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    queries: { type: 'string', default: '2000' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
  },
});

async function main(): Promise<void> {
  const databases = await benchDatabases(args.postgres, ['users']);
  const url = databases.urls['users']!;
  await applyMigrations(url, projectPath('prisma', 'users', 'migrations'), createLogger('bench', 'warn'));
  const pool = createDatabasePool(url, 10);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = randomUUID();
      ids.push(id);
      await pool.query(`INSERT INTO users (id, username, username_key, email, password_hash, updated_at) VALUES ($1, $2, $2, $3, $4, now())`, [id, `u${i}`, `u${i}@bench.dev`, 'h'.repeat(97)]);
    }
    const paths: Record<string, (count: number) => Promise<unknown>> = {
      'Prisma findMany': (count) => db.user.findMany({ where: { id: { in: ids.slice(0, count) } } }),
      'SQL through Prisma ($queryRaw)': (count) => db.$queryRaw`SELECT * FROM users WHERE id = ANY(${ids.slice(0, count)}::uuid[])`,
      'plain pg': (count) => pool.query('SELECT * FROM users WHERE id = ANY($1::uuid[])', [ids.slice(0, count)]),
    };
    const results = new Map<string, number[]>();
    for (let round = 0; round < Number(args.rounds); round += 1) {
      for (const [name, path] of Object.entries(paths)) {
        for (const count of [1, 20]) {
          for (let i = 0; i < 300; i += 1) await path(count);
          const before = process.cpuUsage();
          for (let i = 0; i < Number(args.queries); i += 1) await path(count);
          const used = process.cpuUsage(before);
          const key = `${name}, ${count} row${count === 1 ? '' : 's'}`;
          results.set(key, [...(results.get(key) ?? []), (used.user + used.system) / Number(args.queries)]);
        }
      }
    }
    console.log('| path | CPU µs per query (median of rounds) | rounds |\n|---|---|---|');
    for (const [key, values] of results) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(`| ${key} | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} | ${values.map((value) => value.toFixed(0)).join(', ')} |`);
    }
  } finally {
    await db.$disconnect();
    await pool.end();
    await databases.drop();
  }
}

runBenchmark(main);
