import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import type { RunningSubgraph } from '../platform/subgraph/graphql-server.js';

// A subgraph answers the gateway's plain requests without Apollo Server's pipeline
// (platform/subgraph/direct-execution.ts). Whatever it answers that way must be what Apollo
// Server would have answered: the same posts subgraph, on the same database, is started a
// second time with DIRECT_EXECUTION=false, and every request here goes to both.

let supergraph: TestSupergraph;
let apolloOnly: RunningSubgraph;
let author: TestUser;
let other: TestUser;
let postId: string;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
  apolloOnly = await supergraph.startReplica('posts', { DIRECT_EXECUTION: 'false' });
  [author, other] = await Promise.all([registerUser(supergraph, 'direct'), registerUser(supergraph, 'direct')]);
  postId = await createPostBy(supergraph, author, 'a post both paths read');
}, 120_000);
afterAll(() => supergraph?.stop());

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
  /** Each error's stack trace (outside production), kept apart: its frames name the path that ran. */
  stacks: string[][];
}

async function ask(url: string, init: RequestInit & { search?: string }): Promise<Answer> {
  const response = await fetch(`${url}${init.search ?? ''}`, init);
  const text = await response.text();
  const stacks: string[][] = [];
  const body = JSON.parse(text, (key, value: unknown) => {
    if (key !== 'stacktrace') return value;
    stacks.push(value as string[]);
    return undefined;
  }) as unknown;
  return { status: response.status, contentType: response.headers.get('content-type'), body, stacks };
}

type Sent = { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown };

const post = (body: Sent | string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const bearer = (user: TestUser): Record<string, string> => ({ authorization: `Bearer ${user.accessToken}` });

const POST_QUERY = 'query Post($id: ID!) { post(id: $id) { id body createdAt author { id } } }';
const ENTITIES = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Post { id body } } }';

/** Requests the direct path answers itself: plain JSON POSTs of valid documents. */
const direct: Array<[string, () => RequestInit]> = [
  ['a query', () => post({ query: POST_QUERY, variables: { id: postId }, operationName: 'Post' })],
  ['a query for what does not exist', () => post({ query: POST_QUERY, variables: { id: '00000000-0000-4000-8000-000000000000' } })],
  ['a query whose argument a resolver refuses', () => post({ query: POST_QUERY, variables: { id: 'not-an-id' } })],
  ['an entity fetch', () => post({ query: ENTITIES, variables: { representations: [{ __typename: 'Post', id: postId }, { __typename: 'Post', id: 'nope' }] } })],
  ['a page over the limit a resolver checks', () => post({ query: '{ publicTimeline(first: 101) { edges { node { id } } } }' })],
  ['a mutation by someone anonymous', () => post({ query: 'mutation { createPost(body: "hello") { id } }' })],
  ['a mutation with bad input', () => post({ query: 'mutation ($body: String!) { createPost(body: $body) { id } }', variables: { body: '   ' } }, bearer(author))],
  ['a mutation of what is not yours', () => post({ query: 'mutation ($id: ID!) { updatePost(id: $id, body: "mine now") { id } }', variables: { id: postId } }, bearer(other))],
  ['a request that accepts JSON', () => post({ query: '{ __typename }' }, { accept: 'application/json' })],
  ['an introspection query outside production', () => post({ query: '{ __schema { queryType { name } } }' })],
];

/** Requests the direct path leaves to Apollo Server, which refuses or answers them its own way. */
const leftToApollo: Array<[string, () => RequestInit & { search?: string }]> = [
  ['a document that does not parse', () => post({ query: '{ post(' })],
  ['a document that does not validate', () => post({ query: '{ nope }' })],
  ['variables that do not fit', () => post({ query: POST_QUERY, variables: {} })],
  ['an operation name that names nothing', () => post({ query: POST_QUERY, variables: { id: postId }, operationName: 'Other' })],
  ['a forbidden character in a variable', () => post({ query: 'mutation ($body: String!) { createPost(body: $body) { id } }', variables: { body: 'bell\u0007' } }, bearer(author))],
  ['a bad token', () => post({ query: '{ __typename }' }, { authorization: 'Bearer not-a-token' })],
  ['no query', () => post({ variables: {} })],
  ['variables that are not an object', () => post({ query: POST_QUERY, variables: '{}' })],
  ['a persisted query', () => post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } })],
  ['another media type asked for', () => post({ query: '{ __typename }' }, { accept: 'application/graphql-response+json' })],
  ['a media type no client sends without a preflight', () => post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain; application/json' })],
  ['a GET', () => ({ method: 'GET', search: `?query=${encodeURIComponent('{ __typename }')}`, headers: { 'apollo-require-preflight': 'true' } })],
];

describe('a subgraph answers the requests it executes directly as Apollo Server would', () => {
  test.each(direct)('%s', async (_, request) => {
    const [fast, apollo] = await Promise.all([ask(supergraph.subgraphs['posts']!.url, request()), ask(apolloOnly.url, request())]);
    expect(fast).toEqual({ ...apollo, stacks: fast.stacks });
    expect(fast.stacks.length).toBe(apollo.stacks.length);
    // Each error's stack shows which path ran: the comparison above compares two paths.
    for (const stack of fast.stacks) expect(stack.join('\n')).toMatch(/direct-execution/);
    for (const stack of apollo.stacks) expect(stack.join('\n')).not.toMatch(/direct-execution/);
  });

  test('and a mutation it performs answers as Apollo Server would, once', async () => {
    const create = () => post({ query: 'mutation ($body: String!) { createPost(body: $body) { body author { id } } }', variables: { body: 'written once' } }, bearer(author));
    const [fast, apollo] = await Promise.all([ask(supergraph.subgraphs['posts']!.url, create()), ask(apolloOnly.url, create())]);
    expect(fast).toEqual(apollo);
    expect(fast.body).toEqual({ data: { createPost: { body: 'written once', author: { id: author.id } } } });
  });
});

describe('a subgraph leaves to Apollo Server what it would refuse or answer otherwise', () => {
  test.each(leftToApollo)('%s', async (_, request) => {
    const [fast, apollo] = await Promise.all([ask(supergraph.subgraphs['posts']!.url, request()), ask(apolloOnly.url, request())]);
    expect(fast).toEqual(apollo);
    for (const stack of fast.stacks) expect(stack.join('\n')).not.toMatch(/direct-execution/);
  });
});

describe('in production too, where stack traces and introspection are withheld', () => {
  let fastReplica: RunningSubgraph;
  let apolloReplica: RunningSubgraph;
  beforeAll(async () => {
    [fastReplica, apolloReplica] = await Promise.all([
      supergraph.startReplica('posts', { NODE_ENV: 'production' }),
      supergraph.startReplica('posts', { NODE_ENV: 'production', DIRECT_EXECUTION: 'false' }),
    ]);
  }, 60_000);

  test.each([
    ['a query', () => post({ query: POST_QUERY, variables: { id: postId } })],
    ['a mutation of what is not yours', () => post({ query: 'mutation ($id: ID!) { updatePost(id: $id, body: "mine now") { id } }', variables: { id: postId } }, bearer(other))],
    ['an introspection query', () => post({ query: '{ __schema { queryType { name } } }' })],
    ['a document that does not validate', () => post({ query: '{ nope }' })],
  ] as const)('%s', async (_, request) => {
    const [fast, apollo] = await Promise.all([ask(fastReplica.url, request()), ask(apolloReplica.url, request())]);
    expect(fast).toEqual(apollo);
    expect(fast.stacks).toEqual([]);
  });

  test('introspection is refused', async () => {
    const answer = await ask(fastReplica.url, post({ query: '{ __schema { queryType { name } } }' }));
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ message: expect.stringMatching(/introspection/), extensions: { code: 'BAD_USER_INPUT' } }] } });
  });
});
