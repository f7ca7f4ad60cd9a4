import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../platform/observability/logger.js';
import { applyMigrations, checksumMatches, migrationChecksum } from '../platform/data/migrations.js';
import { projectPath } from '../platform/paths.js';
import { createDatabase, sql } from './support/databases.js';
import type { TestDatabase } from './support/databases.js';
import { schemaDrift } from './support/schema-drift.js';

const logger = createLogger('migrations-test', 'silent');
const domains = readdirSync(projectPath('prisma')).filter((name) => existsSync(projectPath('prisma', name, 'schema.prisma')));

function migrationsDir(migrations: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sqlText] of Object.entries(migrations)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sqlText);
  }
  return dir;
}

async function withDatabase<T>(label: string, run: (database: TestDatabase) => Promise<T>): Promise<T> {
  const database = await createDatabase(label);
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

describe.each(domains)('prisma/%s', (domain) => {
  test('its migrations build exactly the database its schema.prisma describes', () =>
    withDatabase(`drift_${domain}`, async ({ url }) => {
      await applyMigrations(url, projectPath('prisma', domain, 'migrations'), logger);
      expect(await schemaDrift(projectPath('prisma', domain, 'schema.prisma'), url)).toEqual([]);
    }));

  test('has a migration_lock.toml for postgresql, as Prisma expects', () => {
    expect(existsSync(projectPath('prisma', domain, 'migrations', 'migration_lock.toml'))).toBe(true);
  });
});

test('the drift check reports a migration that disagrees with its schema', () =>
  withDatabase('drift_broken', async ({ url }) => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(projectPath('prisma', 'users', 'migrations'), dir, { recursive: true });
    mkdirSync(join(dir, '29990101000000_drift'));
    writeFileSync(
      join(dir, '29990101000000_drift', 'migration.sql'),
      'ALTER TABLE "users" ADD COLUMN "nickname" TEXT; DROP INDEX "users_email_key"; ALTER TABLE "users" ALTER COLUMN "bio" TYPE TEXT;',
    );
    await applyMigrations(url, dir, logger);
    const drift = await schemaDrift(projectPath('prisma', 'users', 'schema.prisma'), url);
    expect(drift).toEqual(
      expect.arrayContaining([
        '+ only in the migrated database: column users.nickname text null default null',
        '- only in schema.prisma: unique users_email_key on users (email)',
        '- only in schema.prisma: column users.bio character varying(500) null default null',
        '+ only in the migrated database: column users.bio text null default null',
      ]),
    );
    rmSync(dir, { recursive: true, force: true });
  }));

describe('the migration runner', () => {
  const TWO = {
    '20260101000000_first': 'CREATE TABLE "a" ("id" INTEGER PRIMARY KEY);\n',
    '20260102000000_second': 'CREATE TABLE "b" ("id" INTEGER PRIMARY KEY);\n',
  };

  test('records migrations in _prisma_migrations exactly as prisma migrate deploy does', () =>
    withDatabase('runner_record', async ({ url }) => {
      const dir = migrationsDir(TWO);
      expect(await applyMigrations(url, dir, logger)).toEqual(Object.keys(TWO));
      const columns = await sql(
        url,
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
        { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
        { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
        { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
      ]);
      const rows = await sql<{ migration_name: string; checksum: string; finished_at: Date | null; logs: string | null; rolled_back_at: Date | null; applied_steps_count: number }>(
        url,
        'SELECT migration_name, checksum, finished_at, logs, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toEqual(
        Object.entries(TWO).map(([name, text]) => ({
          migration_name: name,
          checksum: migrationChecksum(text),
          finished_at: expect.any(Date),
          logs: null,
          rolled_back_at: null,
          applied_steps_count: 1,
        })),
      );
      expect(await applyMigrations(url, dir, logger)).toEqual([]);
    }));

  test('processes starting together apply each migration once', () =>
    withDatabase('runner_race', async ({ url }) => {
      const dir = migrationsDir(TWO);
      const applied = await Promise.all(Array.from({ length: 8 }, () => applyMigrations(url, dir, logger)));
      expect(applied.flat().sort()).toEqual(Object.keys(TWO));
      const rows = await sql<{ count: string }>(url, 'SELECT count(*) FROM "_prisma_migrations"');
      expect(rows[0]?.count).toBe('2');
    }));

  test('refuses a migration edited after it was applied', () =>
    withDatabase('runner_edit', async ({ url }) => {
      const dir = migrationsDir(TWO);
      await applyMigrations(url, dir, logger);
      writeFileSync(join(dir, '20260101000000_first', 'migration.sql'), 'CREATE TABLE "a" ("id" BIGINT PRIMARY KEY);\n');
      await expect(applyMigrations(url, dir, logger)).rejects.toThrow(/20260101000000_first was edited after it was applied/);
    }));

  test('rolls a failing migration back whole, records it as rolled back, and retries it next time', () =>
    withDatabase('runner_fail', async ({ url }) => {
      const dir = migrationsDir({ ...TWO, '20260103000000_third': 'CREATE TABLE "c" ("id" INTEGER);\nINSERT INTO "missing" VALUES (1);\n' });
      await expect(applyMigrations(url, dir, logger)).rejects.toThrow(/20260103000000_third failed and was rolled back/);
      expect(await sql(url, `SELECT to_regclass('c') AS c, to_regclass('a') AS a`)).toEqual([{ c: null, a: 'a' }]);
      const [failed] = await sql<{ rolled_back_at: Date | null; finished_at: Date | null; logs: string }>(
        url,
        `SELECT rolled_back_at, finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '20260103000000_third'`,
      );
      expect(failed).toEqual({ rolled_back_at: expect.any(Date), finished_at: null, logs: expect.stringMatching(/missing/) });
      writeFileSync(join(dir, '20260103000000_third', 'migration.sql'), 'CREATE TABLE "c" ("id" INTEGER);\n');
      expect(await applyMigrations(url, dir, logger)).toEqual(['20260103000000_third']);
    }));
});

describe('checksums', () => {
  test('are zero-padded sha256 hex, as Prisma computes them', () => {
    expect(migrationChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  test('match across LF and CRLF line endings, and only then', () => {
    expect(checksumMatches('a\r\nb\r\n', migrationChecksum('a\nb\n'))).toBe(true);
    expect(checksumMatches('a\nb\n', migrationChecksum('a\r\nb\r\n'))).toBe(true);
    expect(checksumMatches('a\nb', migrationChecksum('a\nb\n'))).toBe(false);
  });
});
