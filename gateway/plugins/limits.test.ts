import { getIntrospectionQuery, parse } from 'graphql';
import { LIMITS, limitErrors } from './limits.js';
import { readSupergraphConfig } from '../../platform/supergraph-config.js';
import { composeSupergraph } from '../supergraph.js';

const { apiSchema } = composeSupergraph(readSupergraphConfig());
const messages = (query: string, variables?: Record<string, unknown>) => limitErrors(apiSchema, parse(query), variables).map((error) => error.message);

test('first up to 100 passes, in literals, variables and defaults', () => {
  expect(messages('{ users(first: 100) { totalCount } }')).toEqual([]);
  expect(messages('query ($n: Int = 100) { users(first: $n) { totalCount } }')).toEqual([]);
  expect(messages('query ($n: Int = 500) { users(first: $n) { totalCount } }', { n: 5 })).toEqual([]);
  expect(messages('query ($n: Int) { users(first: $n) { totalCount } }', {})).toEqual([]);
});

test('first above 100 is reported wherever it is, fragments included', () => {
  expect(messages('{ users(first: 101) { totalCount } }')).toEqual(['first must be at most 100 (users asked for 101).']);
  expect(messages('query ($n: Int) { a: users(first: $n) { totalCount } }', { n: 1000 })).toEqual(['first must be at most 100 (users asked for 1000).']);
  expect(messages('query ($n: Int = 500) { users(first: $n) { totalCount } }')).toHaveLength(1);
  expect(messages('{ me { ...F } } fragment F on User { followers(first: 200) { totalCount } following(first: 300) { totalCount } }')).toHaveLength(2);
});

test('an operation that could return too many nodes is refused, however the pages are nested', () => {
  const fanOut = '{ publicTimeline(first: 100) { edges { node { likers(first: 100) { edges { node { followers(first: 100) { edges { node { username } } } } } } } } } }';
  expect(messages(fanOut)).toEqual([expect.stringMatching(/could return 1010100 nodes; at most 20000/)]);
  // Aliases are pages too.
  const aliased = `{ ${Array.from({ length: 3 }, (_, index) => `p${index}: publicTimeline(first: 100) { edges { node { likers(first: 100) { totalCount } } } }`).join(' ')} }`;
  expect(messages(aliased)).toEqual([expect.stringMatching(/could return 30300 nodes/)]);
  // A page of 100 with a page of 100 inside each is still fine.
  expect(messages('{ users(first: 100) { edges { node { followers(first: 100) { totalCount } } } } }')).toEqual([]);
});

test('too deep an operation is refused; introspection, which is deep, is not', () => {
  const nested = (levels: number): string => (levels === 0 ? 'username' : `followers(first: 1) { edges { node { ${nested(levels - 1)} } } }`);
  // me, then three levels per followers page, then username.
  expect(messages(`{ me { ${nested(4)} } }`)).toEqual([expect.stringMatching(/nested 14 levels deep; at most 12/)]);
  expect(messages(`{ me { ${nested(3)} } }`)).toEqual([]);
  expect(messages(getIntrospectionQuery())).toEqual([]);
});

test('too wide an operation is refused', () => {
  expect(messages(`{ ${Array.from({ length: LIMITS.maxFields + 1 }, (_, index) => `a${index}: __typename`).join(' ')} }`)).toEqual([`The operation selects more than ${LIMITS.maxFields} fields.`]);
});

test('the errors are BAD_USER_INPUT, HTTP 400', () => {
  const [error] = limitErrors(apiSchema, parse('{ users(first: 101) { totalCount } }'), undefined);
  expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', limit: 'page_size', http: { status: 400 } });
});

test('selections nested past maxNesting are refused, through fragment spreads and inline fragments alike', () => {
  const chain = (length: number): string =>
    `{ ...F0 } ${Array.from({ length }, (_, index) => `fragment F${index} on Query { ${index < length - 1 ? `...F${index + 1}` : '__typename'} }`).join(' ')}`;
  // The operation's own selection set, then one per fragment.
  expect(messages(chain(LIMITS.maxNesting - 1))).toEqual([]);
  expect(messages(chain(LIMITS.maxNesting))).toEqual([`The operation nests selections more than ${LIMITS.maxNesting} levels deep, fragments included.`]);
  const inline = (levels: number): string => `{ ${'... on Query { '.repeat(levels)}__typename${' }'.repeat(levels)} }`;
  expect(messages(inline(LIMITS.maxNesting - 1))).toEqual([]);
  expect(messages(inline(LIMITS.maxNesting))).toHaveLength(1);
});
