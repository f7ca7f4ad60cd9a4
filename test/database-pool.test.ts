import { createDatabasePool } from '../platform/data/database.js';
import { TEST_POSTGRES_URL as URL } from './support/env.js';
import { eventually } from './support/eventually.js';

test('an idle connection the server terminates does not crash the process; the pool reconnects', async () => {
  const lost: Error[] = [];
  const pool = createDatabasePool(URL, 1, (error) => lost.push(error));
  try {
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = createDatabasePool(URL, 1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await eventually(() => lost.length === 1, 5_000, 'the pool to hear of the lost connection');
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
  }
});
