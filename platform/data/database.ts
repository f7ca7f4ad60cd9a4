import pg from 'pg';
import { SpanKind } from '@opentelemetry/api';
import { endSpan, inSpan, isRecording, startSpan } from '../observability/tracing.js';

/** Statement text kept on a span: enough to recognise the query, never its parameter values. */
const STATEMENT_CHARS = 2_000;

/**
 * A pg client whose statements become `db.query` spans of the request being traced. Values
 * never go on the span; the text is the parameterised SQL Prisma sends.
 */
class TracedClient extends pg.Client {}
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
TracedClient.prototype.query = function tracedQuery(this: pg.Client, ...args: unknown[]) {
  const [config] = args as [string | { text?: string; submit?: unknown } | undefined];
  const submittable = typeof config === 'object' && config !== null && typeof config.submit === 'function';
  if (submittable || !isRecording()) return query.apply(this, args);
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const options = { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': text.slice(0, STATEMENT_CHARS) } };
  const last = args[args.length - 1];
  // pg.Pool#query passes a callback; Prisma's adapter on a checked-out client awaits a promise.
  if (typeof last !== 'function') return inSpan('postgresql', 'db.query', () => query.apply(this, args) as Promise<unknown>, options);
  const span = startSpan('postgresql', 'db.query', options);
  return query.apply(this, [
    ...args.slice(0, -1),
    (error: Error | undefined, ...results: unknown[]) => {
      endSpan(span, error);
      (last as (...a: unknown[]) => void)(error, ...results);
    },
  ]);
} as typeof pg.Client.prototype.query;

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
