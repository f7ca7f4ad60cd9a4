import pg from 'pg';
import { TEST_POSTGRES_URL } from './support/env.js';
import { startStatementCounter } from './support/statement-counter.js';

test('counts every statement on the wire: simple and parameterised queries, inside transactions too', async () => {
  const counter = await startStatementCounter(TEST_POSTGRES_URL);
  const pool = new pg.Pool({ connectionString: counter.url, max: 2 });
  try {
    await pool.query('SELECT 1');
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT $1::int AS n', [2]);
    // A long statement crosses several TCP chunks and still counts once.
    await client.query(`SELECT '${'x'.repeat(200_000)}' AS long`);
    await client.query('COMMIT');
    client.release();
    expect(counter.count()).toBe(5);
  } finally {
    await pool.end();
    await counter.close();
  }
});
