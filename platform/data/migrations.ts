import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** The advisory lock `prisma migrate` takes, so this runner and Prisma's exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Prisma's own bookkeeping table, column for column, so `prisma migrate status` reads it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of the file, hex: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export const migrationChecksum = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('hex');

/**
 * Whether a stored checksum belongs to this script. Like Prisma, a script whose line
 * endings git converted (LF and CRLF) still matches.
 */
export function checksumMatches(sql: string, stored: string): boolean {
  return [sql, sql.replaceAll('\r\n', '\n'), sql.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n')].some(
    (variant) => migrationChecksum(variant) === stored,
  );
}

/** The migrations in Prisma's layout (`<dir>/<timestamp>_<slug>/migration.sql`), oldest first. */
export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory() && /^\d{14}_\w+$/.test(entry.name)).map((entry) => entry.name);
  names.sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

/**
 * Applies the migrations the database lacks, each in its own transaction, recording them in
 * `_prisma_migrations` as `prisma migrate deploy` would. Processes starting together
 * serialise on Prisma's advisory lock, so each migration runs once. A migration that
 * fails is rolled back whole and recorded as rolled back (Prisma re-applies such rows), so
 * the next start retries it. Returns the names applied.
 */
export async function applyMigrations(databaseUrl: string, migrationsDir: string, logger: Logger): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const pending = migrations.filter((migration) => !isApplied(migration, rows));
      for (const migration of pending) {
        await applyOne(client, migration);
        logger.info('applied migration', { migration: migration.name });
      }
      return pending.map((migration) => migration.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
    }
  } finally {
    await client.end();
  }
}

function isApplied(migration: Migration, rows: AppliedRow[]): boolean {
  const row = rows.find((candidate) => candidate.migration_name === migration.name);
  if (!row) return false;
  if (row.finished_at === null) {
    throw new Error(`Migration ${migration.name} failed earlier and is unresolved; see "_prisma_migrations".logs`);
  }
  if (!checksumMatches(migration.sql, row.checksum)) {
    throw new Error(`Migration ${migration.name} was edited after it was applied; add a new migration instead`);
  }
  return true;
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, rolled_back_at, started_at)
       VALUES ($1, $2, $3, $4, now(), now())`,
      [id, migration.checksum, migration.name, error instanceof Error ? error.message : String(error)],
    );
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`);
  }
}
