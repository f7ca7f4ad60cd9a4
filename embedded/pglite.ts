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
