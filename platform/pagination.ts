import { badUserInput } from './errors.js';

/** `first` above this is BAD_USER_INPUT, at the gateway and in every subgraph. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** A position in a list ordered newest first: a timestamp and the id that breaks ties. */
export interface Cursor {
  at: Date;
  id: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A validated page request: how many rows to return and where to start. */
export interface PageRequest {
  first: number;
  after: Cursor | null;
}

/** Validates `first` (0 to 100; null means the default) and decodes `after`. */
export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after) };
}

/** The same string for two requests of the same page of a list. */
export const pageRequestKey = ({ first, after }: PageRequest): string => (after ? `${first}:${encodeCursor(after)}` : `${first}`);

export function encodeCursor({ at, id }: Cursor): string {
  return Buffer.from(`${at.getTime()}:${id}`, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): Cursor {
  const [millis, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const at = new Date(Number(millis));
  if (extra !== undefined || !millis || !/^\d+$/.test(millis) || Number.isNaN(at.getTime()) || !id || !UUID.test(id)) {
    throw badUserInput('after is not a cursor from this list.', 'after');
  }
  return { at, id };
}

/**
 * Builds a connection from rows fetched with `take: first + 1`: the extra row only says
 * whether another page follows.
 */
function toConnection<Row, Node>(
  rows: Row[],
  first: number,
  cursorOf: (row: Row) => Cursor,
  nodeOf: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: nodeOf(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * A Prisma `where` for the rows after the cursor in newest-first (createdAt, `idField`)
 * order; `idField` breaks ties between rows created in the same millisecond.
 */
function olderThan<IdField extends string>(after: Cursor | null, idField: IdField) {
  if (!after) return {};
  const sameTimeOlderId = { createdAt: after.at, [idField]: { lt: after.id } } as { createdAt: Date } & Record<IdField, { lt: string }>;
  return { OR: [{ createdAt: { lt: after.at } }, sameTimeOlderId] };
}

/** The Prisma arguments of one page of a newest-first list, for `findMany`. */
export interface KeysetArgs<IdField extends string> {
  /** Combine with the list's own filter: `{ AND: [filter, where] }` or `{ ...filter, ...where }`. */
  where: ReturnType<typeof olderThan<IdField>>;
  orderBy: [{ createdAt: 'desc' }, Record<IdField, 'desc'>];
  take: number;
}

/**
 * One page of a list ordered newest first by (createdAt, `idField`): every connection here.
 * `fetch` runs the query with the arguments given (one more row than asked for, which only
 * says whether another page follows); rows inserted while a client pages land before its
 * cursor, so later pages neither repeat nor skip.
 */
export async function keysetPage<IdField extends string, Row extends { createdAt: Date } & Record<IdField, string>, Node>(
  { first, after }: PageRequest,
  idField: IdField,
  fetch: (args: KeysetArgs<IdField>) => Promise<Row[]>,
  nodeOf: (row: Row) => Node,
): Promise<Connection<Node>> {
  const orderBy = [{ createdAt: 'desc' }, { [idField]: 'desc' } as Record<IdField, 'desc'>] as KeysetArgs<IdField>['orderBy'];
  const rows = await fetch({ where: olderThan(after, idField), orderBy, take: first + 1 });
  return toConnection(rows, first, (row) => ({ at: row.createdAt, id: row[idField] }), nodeOf);
}

/** A connection with no rows, for a list known to be empty without asking the database. */
export const emptyConnection = <Node>(): Connection<Node> => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

/** Whether `value` is an id this system issues (a UUID). */
export const isId = (value: string): boolean => UUID.test(value);

/** An id argument, or BAD_USER_INPUT naming the argument. */
export function requireId(value: string, field: string): string {
  if (!isId(value)) throw badUserInput(`${field} is not a valid id.`, field);
  return value.toLowerCase();
}
