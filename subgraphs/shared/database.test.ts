import { TEST_POSTGRES_URL as URL } from '../../test/support/env.js';
import { createDatabasePool } from './database.js';

test('the pool counts every statement, inside transactions too', async () => {
  const pool = createDatabasePool(URL, 2);
  try {
    await pool.query('SELECT 1');
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT 2');
    await client.query('COMMIT');
    client.release();
    expect(pool.statementCount()).toBe(4);
  } finally {
    await pool.end();
  }
});

test('an idle connection the server terminates does not crash the process; the pool reconnects', async () => {
  const lost: Error[] = [];
  const pool = createDatabasePool(URL, 1, (error) => lost.push(error));
  try {
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = createDatabasePool(URL, 1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lost).toHaveLength(1);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
  }
});
