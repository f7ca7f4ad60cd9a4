import DataLoader from 'dataloader';
import { isId } from './pagination.js';

/**
 * A per-request loader over one batched query. `fetch` gets the distinct keys of every
 * `load` in the same tick and returns rows in any order; each key gets its row or `missing`.
 */
export function batchLoader<Key, Row, Value = Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  valueOf: (row: Row) => Value,
  missing: Value,
): DataLoader<Key, Value> {
  return new DataLoader<Key, Value>(async (keys) => {
    const found = new Map<Key, Value>();
    for (const row of await fetch(keys)) found.set(keyOf(row), valueOf(row));
    return keys.map((key) => (found.has(key) ? (found.get(key) as Value) : missing));
  });
}

/** Resolves after the I/O callbacks of this turn, whose requests may want the same rows. */
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The most keys one coalesced statement carries; the requests that come after start another.
 * One request's own batch is never split, whatever its size.
 */
export const COALESCED_KEYS_MAX = 1_000;

/**
 * One query for the fetches that concurrent requests make in the same turn of the event
 * loop: each request's DataLoader batches its own loads, and this joins the batches of the
 * requests that arrived together (a gateway under load sends a subgraph many at once), so a
 * statement's fixed cost (Prisma's request, the driver's round trip, the socket write) is
 * paid once for them. Every caller gets the rows of every caller's keys; a loader keeps its
 * own. Only for fetches whose rows do not depend on who asks. The statement starts after
 * every request that joins it arrived, so each still sees every write committed before it
 * asked. Joined requests share the statement's fate: keys are checked before they are
 * loaded, so a statement fails for the database's reasons, which would fail each alone too.
 * The statement runs in the first caller's async context: only its trace shows the query.
 */
export function coalescedFetch<Key, Row>(fetch: (keys: readonly Key[]) => Promise<Row[]>, maxKeys = COALESCED_KEYS_MAX): (keys: readonly Key[]) => Promise<Row[]> {
  let open: { keys: Set<Key>; rows: Promise<Row[]> } | null = null;
  return (keys) => {
    if (!open || (open.keys.size > 0 && open.keys.size + unseen(open.keys, keys) > maxKeys)) {
      const batch: { keys: Set<Key>; rows: Promise<Row[]> } = { keys: new Set(), rows: Promise.resolve([]) };
      batch.rows = endOfTurn().then(() => {
        if (open === batch) open = null;
        return fetch([...batch.keys]);
      });
      open = batch;
    }
    for (const key of keys) open.keys.add(key);
    return open.rows;
  };
}

/** How many of `keys` are not in `batch` yet: requests for the same rows add nothing to a statement. */
function unseen<Key>(batch: ReadonlySet<Key>, keys: readonly Key[]): number {
  let count = 0;
  for (const key of keys) if (!batch.has(key)) count += 1;
  return count;
}

/**
 * One read for the identical reads (same `keyOf`) that concurrent requests make in the same
 * turn of the event loop, as `coalescedFetch` does for rows by key: the first page of the
 * public timeline, which every visitor asks for. Every caller gets the same result object,
 * so it must be one no caller changes, and read the same whoever asks.
 */
export function coalescedRead<Args, Result>(keyOf: (args: Args) => string, read: (args: Args) => Promise<Result>): (args: Args) => Promise<Result> {
  const open = new Map<string, Promise<Result>>();
  return (args) => {
    const key = keyOf(args);
    let result = open.get(key);
    if (!result) {
      result = endOfTurn().then(() => {
        open.delete(key);
        return read(args);
      });
      open.set(key, result);
    }
    return result;
  };
}

/** Whether each key is in the set `fetch` returns (the posts the viewer likes, say); false otherwise. */
export const membershipLoader = <Key>(fetch: (keys: readonly Key[]) => Promise<Key[]>): DataLoader<Key, boolean> =>
  batchLoader<Key, Key, boolean>(fetch, (key) => key, () => true, false);

/** A loader of rows by id; null for ids with no row. */
export const rowLoader = <Row extends { id: string }>(fetch: (ids: readonly string[]) => Promise<Row[]>): DataLoader<string, Row | null> =>
  batchLoader<string, Row, Row | null>(fetch, (row) => row.id, (row) => row, null);

/** A loader of every row belonging to each key (one-to-many); an empty list for keys with none. */
export function listLoader<Key, Row, Value>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  valueOf: (row: Row) => Value,
): DataLoader<Key, Value[]> {
  return new DataLoader<Key, Value[]>(async (keys) => {
    const found = new Map<Key, Value[]>();
    for (const row of await fetch(keys)) {
      const list = found.get(keyOf(row));
      if (list) list.push(valueOf(row));
      else found.set(keyOf(row), [valueOf(row)]);
    }
    return keys.map((key) => found.get(key) ?? []);
  });
}

/** The row a client-given id names, through `loader`; null, with no query, for a string that is no id. */
export const loadById = <Row>(loader: DataLoader<string, Row | null>, id: string): Promise<Row | null> | null => (isId(id) ? loader.load(id.toLowerCase()) : null);
