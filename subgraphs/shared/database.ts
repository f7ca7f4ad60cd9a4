import pg from 'pg';

/** A connection pool that counts the SQL statements sent through it. */
export interface CountingPool extends pg.Pool {
  /** Statements sent since the pool was created, transactions' BEGIN/COMMIT included. */
  statementCount(): number;
}

/**
 * The pool a domain's Prisma client runs on (through `@prisma/adapter-pg`). Every statement
 * passes through `Client#query`, so counting there sees pooled queries and transactions
 * alike; tests use the count to prove a request's statements do not grow with page size.
 */
export function createDatabasePool(connectionString: string, max: number, onIdleError: (error: Error) => void = () => {}): CountingPool {
  let statements = 0;
  const query = pg.Client.prototype.query;
  class CountingClient extends pg.Client {}
  CountingClient.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    statements += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const pool = new pg.Pool({ connectionString, max, Client: CountingClient, idleTimeoutMillis: 30_000 });
  // An idle connection the server drops (a restart, a failover) must not crash the process:
  // pg discards it and the next query opens another.
  pool.on('error', onIdleError);
  return Object.assign(pool, { statementCount: () => statements });
}

/** The Prisma error code (`P2002` unique violation, `P2003` foreign key, …) of an error, if any. */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^P\d{4}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}
