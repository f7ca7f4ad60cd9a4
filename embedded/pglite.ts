import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** A PostgreSQL URL for `pg` and Prisma. Give its pool one connection (DESIGN.md). */
  url: string;
  close(): Promise<void>;
}

/**
 * A PGlite database in `dir`, served over the PostgreSQL wire protocol on a free loopback
 * port. PGlite is one session: one connection at a time, so the owner's pool has size one.
 */
export async function openEmbeddedDatabase(dir: string): Promise<EmbeddedDatabase> {
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Makes an empty PostgreSQL cluster in each of `dirs` that has none. initdb is most of
 * PGlite's first start (a minute on a busy two-core machine, against seconds to open a
 * cluster that exists), and every domain's empty cluster is the same: run it once and copy.
 */
export async function initializeDataDirs(dirs: readonly string[]): Promise<void> {
  const missing = dirs.filter((dir) => !existsSync(join(dir, 'PG_VERSION')));
  const [template, ...rest] = missing;
  if (!template) return;
  await (await PGlite.create(template)).close();
  for (const dir of rest) cpSync(template, dir, { recursive: true });
}
