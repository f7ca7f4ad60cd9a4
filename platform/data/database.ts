import pg from 'pg';

/**
 * The pool a domain's Prisma client runs on (through `@prisma/adapter-pg`). An idle
 * connection the server drops (a restart, a failover) must not crash the process: pg
 * discards it, `onIdleError` hears of it, and the next query opens another.
 */
export function createDatabasePool(connectionString: string, max: number, onIdleError: (error: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  pool.on('error', onIdleError);
  return pool;
}

/** The Prisma error code (`P2002` unique violation, `P2003` foreign key, …) of an error, if any. */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^P\d{4}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}
