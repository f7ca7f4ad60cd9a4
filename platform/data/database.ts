import pg from 'pg';
import { SpanKind } from '@opentelemetry/api';
import { inSpan, isRecording } from '../observability/tracing.js';

/** Statement text kept on a span: enough to recognise the query, never its parameter values. */
const STATEMENT_CHARS = 2_000;

type QueryArgs = Parameters<pg.Client['query']>;

/**
 * A pg client whose statements become `db.query` spans of the request being traced. Values
 * never go on the span; the text is the parameterised SQL Prisma sends.
 */
class TracedClient extends pg.Client {}
const query = pg.Client.prototype.query;
TracedClient.prototype.query = function tracedQuery(this: pg.Client, ...args: QueryArgs) {
  const [config] = args as unknown as [string | { text?: string; submit?: unknown } | undefined];
  const callback = typeof args[args.length - 1] === 'function';
  const submittable = typeof config === 'object' && config !== null && typeof config.submit === 'function';
  if (callback || submittable || !isRecording()) return (query as (...a: QueryArgs) => unknown).apply(this, args);
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  return inSpan('postgresql', 'db.query', () => (query as (...a: QueryArgs) => Promise<unknown>).apply(this, args), {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system': 'postgresql', 'db.statement': text.slice(0, STATEMENT_CHARS) },
  });
} as typeof query;

/**
 * The pool a domain's Prisma client runs on (through `@prisma/adapter-pg`). An idle
 * connection the server drops (a restart, a failover) must not crash the process: pg
 * discards it, `onIdleError` hears of it, and the next query opens another.
 */
export function createDatabasePool(connectionString: string, max: number, onIdleError: (error: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, Client: TracedClient });
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

/**
 * Options for every interactive transaction. Prisma's default 2 s wait for a connection fails
 * writes under a burst (fifty concurrent likes on a small pool) that a short queue would serve;
 * 10 s is still well under a client's patience and the gateway's subgraph timeout.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;
