import { coalescedFetch, coalescedRead, rowLoader } from './loaders.js';

/** A fetch of rows by id that records the keys of each call: what coalescedFetch sends on. */
function recordingFetch() {
  const calls: string[][] = [];
  const fetch = async (ids: readonly string[]) => {
    calls.push([...ids].sort());
    return ids.filter((id) => id !== 'missing').map((id) => ({ id, name: `row ${id}` }));
  };
  return { calls, fetch };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedFetch', () => {
  test('joins the batches of loaders that load in the same turn into one fetch, each loader getting its own rows', async () => {
    const { calls, fetch } = recordingFetch();
    const shared = coalescedFetch(fetch);
    const [first, second] = [rowLoader(shared), rowLoader(shared)];
    const rows = await Promise.all([first.load('a'), first.load('b'), second.load('b'), second.load('c'), second.load('missing')]);
    expect(calls).toEqual([['a', 'b', 'c', 'missing']]);
    expect(rows).toEqual([{ id: 'a', name: 'row a' }, { id: 'b', name: 'row b' }, { id: 'b', name: 'row b' }, { id: 'c', name: 'row c' }, null]);
  });

  test('fetches again for loads of a later turn', async () => {
    const { calls, fetch } = recordingFetch();
    const shared = coalescedFetch(fetch);
    await rowLoader(shared).load('a');
    await nextTurn();
    await rowLoader(shared).load('b');
    expect(calls).toEqual([['a'], ['b']]);
  });

  test('starts another fetch when a batch would pass its key limit, never splitting one loader\'s batch', async () => {
    const { calls, fetch } = recordingFetch();
    const shared = coalescedFetch(fetch, 3);
    const [first, second, third] = [rowLoader(shared), rowLoader(shared), rowLoader(shared)];
    const rows = await Promise.all([first.load('a'), first.load('b'), second.load('c'), second.load('d'), third.load('e'), ...['f', 'g', 'h', 'i'].map((id) => third.load(id))]);
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f', 'g', 'h', 'i']]);
    expect(rows.map((row) => row?.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  test('counts only keys the batch lacks against its limit, and takes a batch to exactly the limit', async () => {
    const { calls, fetch } = recordingFetch();
    const shared = coalescedFetch(fetch, 3);
    const [first, second, third] = [rowLoader(shared), rowLoader(shared), rowLoader(shared)];
    await Promise.all([first.load('a'), first.load('b'), first.load('c'), second.load('c'), third.load('d')]);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('a load made while a fetch runs gets a fetch of its own, which starts after it asked', async () => {
    const started: string[][] = [];
    let finish = () => {};
    const running = new Promise<void>((resolve) => (finish = resolve));
    const shared = coalescedFetch(async (ids: readonly string[]) => {
      started.push([...ids]);
      await running;
      return ids.map((id) => ({ id }));
    });
    const first = rowLoader(shared).load('a');
    // The loader dispatches on the next tick, the fetch a turn after: two turns.
    await nextTurn();
    await nextTurn();
    expect(started).toEqual([['a']]);
    const second = rowLoader(shared).load('a');
    await nextTurn();
    await nextTurn();
    expect(started).toEqual([['a'], ['a']]);
    finish();
    await expect(Promise.all([first, second])).resolves.toEqual([{ id: 'a' }, { id: 'a' }]);
  });

  test('fails every loader of a batch whose fetch fails, and the next batch fetches anew', async () => {
    let fail = true;
    const shared = coalescedFetch(async (ids: readonly string[]) => {
      if (fail) throw new Error('database gone');
      return ids.map((id) => ({ id }));
    });
    const results = await Promise.allSettled([rowLoader(shared).load('a'), rowLoader(shared).load('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(rowLoader(shared).load('a')).resolves.toEqual({ id: 'a' });
  });
});

describe('coalescedRead', () => {
  test('reads once for identical reads of the same turn, once per distinct key, and anew in a later turn', async () => {
    const reads: string[] = [];
    const shared = coalescedRead(
      (page: { first: number }) => String(page.first),
      async (page) => {
        reads.push(String(page.first));
        return { rows: page.first };
      },
    );
    const results = await Promise.all([shared({ first: 1 }), shared({ first: 1 }), shared({ first: 2 })]);
    expect(reads).toEqual(['1', '2']);
    expect(results).toEqual([{ rows: 1 }, { rows: 1 }, { rows: 2 }]);
    await shared({ first: 1 });
    expect(reads).toEqual(['1', '2', '1']);
  });

  test('a read asked for while an identical one runs is a read of its own, which starts after it asked', async () => {
    let reads = 0;
    let finish = () => {};
    const running = new Promise<void>((resolve) => (finish = resolve));
    const shared = coalescedRead(
      () => 'page',
      async () => {
        reads += 1;
        await running;
        return reads;
      },
    );
    const first = shared(null);
    await nextTurn();
    expect(reads).toBe(1);
    const second = shared(null);
    await nextTurn();
    expect(reads).toBe(2);
    finish();
    await Promise.all([first, second]);
  });

  test('fails the readers of a failed read, and the next turn reads again', async () => {
    let fail = true;
    const shared = coalescedRead(
      () => 'page',
      async () => {
        if (fail) throw new Error('database gone');
        return 'rows';
      },
    );
    const results = await Promise.allSettled([shared(null), shared(null)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(shared(null)).resolves.toBe('rows');
  });
});
