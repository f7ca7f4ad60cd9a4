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
