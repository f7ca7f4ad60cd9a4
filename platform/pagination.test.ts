import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, keysetPage, pageRequest, requireId } from './pagination.js';

const ID = '01900000-0000-7000-8000-000000000001';
const codeOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? [error.extensions['code'], error.extensions['field']] : error;
  }
  return 'no error';
};

test('a cursor decodes to the position it encodes', () => {
  const at = new Date('2026-11-21T09:30:00.123Z');
  expect(decodeCursor(encodeCursor({ at, id: ID }))).toEqual({ at, id: ID });
});

test.each(['', 'garbage', Buffer.from('123').toString('base64url'), Buffer.from(`abc:${ID}`).toString('base64url'), Buffer.from('1:not-an-id').toString('base64url'), Buffer.from(`1:${ID}:x`).toString('base64url')])(
  'the cursor %j is BAD_USER_INPUT on after',
  (cursor) => {
    expect(codeOf(() => decodeCursor(cursor))).toEqual(['BAD_USER_INPUT', 'after']);
  },
);

test('first is 0 to 100, null means the default of 20', () => {
  expect(pageRequest({ first: 0 }).first).toBe(0);
  expect(pageRequest({ first: 100 }).first).toBe(100);
  expect(pageRequest({ first: null }).first).toBe(20);
  expect(pageRequest({}).first).toBe(20);
  expect(codeOf(() => pageRequest({ first: 101 }))).toEqual(['BAD_USER_INPUT', 'first']);
  expect(codeOf(() => pageRequest({ first: -1 }))).toEqual(['BAD_USER_INPUT', 'first']);
});

test('a page asks for one row more than it shows, and uses it only to say another page follows', async () => {
  const rows = [3, 2, 1].map((n) => ({ createdAt: new Date(n * 1000), id: ID.replace(/1$/, String(n)) }));
  const asked: unknown[] = [];
  const fetch = async (args: { take: number }) => (asked.push(args), rows.slice(0, args.take));
  const page = await keysetPage({ first: 2, after: null }, 'id', fetch, (row) => row.id);
  expect(asked).toEqual([{ where: {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 3 }]);
  expect(page.edges.map((edge) => edge.node)).toEqual([rows[0]!.id, rows[1]!.id]);
  expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1]!.cursor });
  expect((await keysetPage({ first: 3, after: null }, 'id', fetch, (row) => row.id)).pageInfo.hasNextPage).toBe(false);
  expect((await keysetPage({ first: 0, after: null }, 'id', async () => [], (row: (typeof rows)[number]) => row.id)).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
});

test('the next page starts strictly after the cursor, ties broken by the id column', async () => {
  const after = decodeCursor(encodeCursor({ at: new Date(2000), id: ID }));
  let where: unknown;
  await keysetPage({ first: 1, after }, 'userId', async (args) => ((where = args.where), []), () => null);
  expect(where).toEqual({ OR: [{ createdAt: { lt: new Date(2000) } }, { createdAt: new Date(2000), userId: { lt: ID } }] });
});

test('ids are UUIDs, compared lower-case', () => {
  expect(requireId(ID.toUpperCase(), 'userId')).toBe(ID);
  expect(codeOf(() => requireId('42', 'userId'))).toEqual(['BAD_USER_INPUT', 'userId']);
});
