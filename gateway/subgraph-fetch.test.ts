import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectPath } from '../platform/paths.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './data-source.js';
import { composeSubgraphFetch } from './plugin.js';
import type { GatewayPlugin, ResponseBudget } from './plugin.js';
import { readEntityPolicy } from './entity-policy.js';
import { forwardAuthorization } from './plugins/forward-authorization.js';
import { inflightDeduplication } from './plugins/inflight-deduplication.js';
import { subgraphErrorPassThrough } from './plugins/subgraph-errors.js';
import { subgraphTimeout } from './plugins/subgraph-timeout.js';
import { createSubgraphTransport } from './subgraph-transport.js';
import type { SubgraphTransport } from './subgraph-transport.js';

type Options = Parameters<SubgraphDataSource['process']>[0];

interface StandIn {
  server: Server;
  url: string;
  requests: Array<{ authorization?: string; body: string }>;
}

/** A subgraph stand-in on a real port that answers `reply` after `delayMs` and records requests. */
async function standIn(delayMs: number, reply: (count: number) => [number, unknown] = (count) => [200, { data: { auditLog: { totalCount: count } } }]): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ authorization: request.headers.authorization, body });
      setTimeout(() => {
        const [status, json] = reply(requests.length);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      }, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, requests };
}

const options = (query: string, authorization?: string, variables: Record<string, unknown> = {}): Options => {
  const context: GatewayContext = { viewer: null, authorization };
  return { kind: 'incoming operation', request: { query, variables }, incomingRequestContext: { context }, context } as unknown as Options;
};
// The project's own schemas: users marks User @cached and its email @perViewer.
const entities = readEntityPolicy({ defaultTtlSeconds: 60, maxTtlSeconds: 86_400, supergraphConfigPath: projectPath('supergraph.yaml') });

let transport: SubgraphTransport;
/** A data source for `url` with the gateway's fetch plugins in the gateway's order. */
/** Response budgets by request context, as plugins/response-budget.ts keeps them. */
const budgets = new WeakMap<GatewayContext, ResponseBudget>();
const budgeted: GatewayPlugin = { name: 'test-budget', wrapSubgraphFetch: (next) => (request) => next({ ...request, budget: budgets.get(request.context) }) };
const source = (url: string, timeoutMs = 2_000, service = 'users') =>
  new SubgraphDataSource(
    service,
    url,
    composeSubgraphFetch([forwardAuthorization('test-internal-secret', entities), inflightDeduplication(), budgeted, subgraphErrorPassThrough(), subgraphTimeout(timeoutMs)], transport.fetch),
  );
const stopping: Server[] = [];
beforeEach(() => {
  transport = createSubgraphTransport();
});
afterEach(async () => {
  for (const server of stopping.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  await transport.close();
});
const start = async (...args: Parameters<typeof standIn>) => {
  const started = await standIn(...args);
  stopping.push(started.server);
  return started;
};

test('identical concurrent queries share one fetch, and each gets its own objects', async () => {
  // auditLog reads the viewer (admins only): only requests with the same token share it.
  const subgraph = await start(100);
  const users = source(subgraph.url);
  const results = await Promise.all([1, 2, 3].map(() => users.process(options('{ auditLog { totalCount } }', 'Bearer a'))));
  expect(subgraph.requests).toHaveLength(1);
  expect(results.map((result) => result.data)).toEqual([1, 2, 3].map(() => ({ auditLog: { totalCount: 1 } })));
  expect(results[0]?.data).not.toBe(results[1]?.data);
  expect(results[1]?.data).not.toBe(results[2]?.data);
  expect(subgraph.requests[0]?.authorization).toBe('Bearer a');
});

test('queries with other credentials, and mutations, are never shared', async () => {
  const subgraph = await start(100);
  const users = source(subgraph.url);
  await Promise.all([
    users.process(options('{ auditLog { totalCount } }', 'Bearer a')),
    users.process(options('{ auditLog { totalCount } }', 'Bearer b')),
    users.process(options('mutation { logout(refreshToken: "x") }', 'Bearer a')),
    users.process(options('mutation { logout(refreshToken: "x") }', 'Bearer a')),
  ]);
  expect(subgraph.requests).toHaveLength(4);
});

test('entity fetches that read nothing a viewer changes go without the token and are shared across viewers; per-viewer ones are not', async () => {
  const subgraph = await start(100);
  const users = source(subgraph.url);
  const authors = (selection: string, token: string) =>
    users.process(options(`query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { ${selection} } } }`, token, { representations: [{ __typename: 'User', id: 'a' }] }));
  await Promise.all([authors('username', 'Bearer a'), authors('username', 'Bearer b')]);
  expect(subgraph.requests.map((request) => request.authorization)).toEqual([undefined]);
  await Promise.all([authors('username email', 'Bearer a'), authors('username email', 'Bearer b')]);
  expect(subgraph.requests.slice(1).map((request) => request.authorization).sort()).toEqual(['Bearer a', 'Bearer b']);
});

test.each([
  ['a type its subgraph does not mark @cached', '... on Post { id }', [{ __typename: 'Post', id: 'p' }]],
  ['one representation of such a type among others', '... on User { username } ... on Post { id }', [{ __typename: 'User', id: 'a' }, { __typename: 'Post', id: 'p' }]],
  ['a @perViewer field inside a named fragment', '... on User { ...Private }', [{ __typename: 'User', id: 'a' }], 'fragment Private on User { username email }'],
  ["another entity's own fields (followers' names)", '... on User { followers(first: 1) { edges { node { username } } } }', [{ __typename: 'User', id: 'a' }]],
])('an entity fetch reading %s keeps the token', async (_case, selection, representations, fragments = '') => {
  const subgraph = await start(0);
  await source(subgraph.url).process(options(`query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } } ${fragments}`, 'Bearer a', { representations }));
  expect(subgraph.requests.map((request) => request.authorization)).toEqual(['Bearer a']);
});

test('root fetches of fields marked @sameForEveryViewer go without the token and are shared; others keep it', async () => {
  const subgraph = await start(100);
  const posts = source(subgraph.url, 2_000, 'posts');
  const timeline = '{ publicTimeline(first: 2) { edges { node { id body author { __typename id } } } } }';
  await Promise.all([posts.process(options(timeline, 'Bearer a')), posts.process(options(timeline, 'Bearer b'))]);
  expect(subgraph.requests.map((request) => request.authorization)).toEqual([undefined]);
  const users = source(subgraph.url);
  // me and email are @perViewer; platformStats is not marked @sameForEveryViewer.
  for (const query of ['{ me { id } }', '{ user(id: "a") { username email } }', '{ platformStats { id } }', '{ user(id: "a") { id } platformStats { id } }']) {
    await users.process(options(query, 'Bearer a'));
    expect(subgraph.requests.at(-1)?.authorization).toBe('Bearer a');
  }
  await users.process(options('{ user(id: "a") { username followers(first: 2) { totalCount } } }', 'Bearer a'));
  expect(subgraph.requests.at(-1)?.authorization).toBeUndefined();
});

test("a shared fetch the leader's spent budget refused is fetched again for a follower with budget left", async () => {
  const subgraph = await start(100);
  const users = source(subgraph.url);
  const [spent, fresh] = [options('{ auditLog { totalCount } }'), options('{ auditLog { totalCount } }')];
  budgets.set(spent.context as GatewayContext, { remainingBytes: 5, maxBytes: 1_000 });
  budgets.set(fresh.context as GatewayContext, { remainingBytes: 1_000, maxBytes: 1_000 });
  const [leader, follower] = await Promise.allSettled([users.process(spent), users.process(fresh)]);
  expect(leader).toMatchObject({ status: 'rejected', reason: { extensions: { limit: 'response_bytes' } } });
  expect(follower).toMatchObject({ status: 'fulfilled', value: { data: { auditLog: { totalCount: 2 } } } });
  expect(subgraph.requests).toHaveLength(2);
});

test('a subgraph that does not answer in time fails the fetch instead of hanging', async () => {
  const hung = await start(5_000);
  const started = Date.now();
  await expect(source(hung.url, 200).process(options('{ users { totalCount } }'))).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(2_000);
});

test("a subgraph's own 400 verdict reaches the client with its code; other failures stay internal", async () => {
  const refusing = await start(0, () => [400, { errors: [{ message: 'DateTime must be an ISO 8601 string.', extensions: { code: 'BAD_USER_INPUT' } }] }]);
  await expect(source(refusing.url).process(options('{ users { totalCount } }'))).rejects.toMatchObject({ message: 'DateTime must be an ISO 8601 string.', extensions: { code: 'BAD_USER_INPUT' } });
  const failing = await start(0, () => [502, { oops: true }]);
  await expect(source(failing.url).process(options('{ users { totalCount } }'))).rejects.toMatchObject({ message: '502: Bad Gateway', extensions: { response: { status: 502 } } });
});
