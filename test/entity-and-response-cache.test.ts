import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, subgraphUrlVariable } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import type { RunningGateway } from '../gateway/server.js';
import { composeSupergraph } from '../gateway/supergraph.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { sql } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { dataOf, graphql } from './support/graphql.js';
import { metricTotal } from './support/metrics.js';
import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

let supergraph: TestSupergraph;
const cacheEnv = { CACHE: 'true' };
let workDir: string;
const gateways: RunningGateway[] = [];
beforeAll(async () => {
  supergraph = await startTestSupergraph({ gatewayEnv: cacheEnv });
  workDir = mkdtempSync(join(tmpdir(), 'cache-test-'));
  writeFileSync(join(workDir, 'supergraph.graphql'), composeSupergraph(readSupergraphConfig()).supergraphSdl);
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await supergraph.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** Another gateway over the same subgraphs (and, unless `env` says otherwise, the same Redis prefix). */
async function startAnotherGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const gateway = await startGateway(
    loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: '0',
      SUPERGRAPH_PATH: join(workDir, 'supergraph.graphql'),
      JWT_PUBLIC_KEY: createPublicKey(supergraph.signingKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: supergraph.redisPrefix,
      ...Object.fromEntries(Object.entries(supergraph.subgraphs).map(([name, subgraph]) => [subgraphUrlVariable(name), subgraph.url])),
      ...cacheEnv,
      ...env,
    }),
  );
  gateways.push(gateway);
  return gateway;
}

/** GraphQL requests the subgraph `name` has served so far. */
const servedBy = (name: string): Promise<number> => metricTotal(new URL('/metrics', supergraph.subgraphs[name]!.url), 'graphql_request_duration_seconds_count');
/** How many requests each subgraph served while `run` ran. */
async function requestsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const names = ['users', 'posts', 'likes'];
  const before = await Promise.all(names.map(servedBy));
  await run();
  const after = await Promise.all(names.map(servedBy));
  return Object.fromEntries(names.map((name, index) => [name, after[index]! - before[index]!]));
}

interface PostView {
  post: { id: string; body: string; likeCount: number; likedByViewer: boolean; author: { displayName: string | null; username: string } };
}
const POST = 'query ($id: ID!) { post(id: $id) { id body likeCount likedByViewer author { username displayName } } }';
const readPost = async (id: string, who?: TestUser, url = supergraph.gatewayUrl): Promise<PostView['post']> => dataOf(await graphql<PostView>(url, POST, { id }, { token: who?.accessToken })).post;
const like = async (who: TestUser, postId: string, verb: 'likePost' | 'unlikePost' = 'likePost', url = supergraph.gatewayUrl): Promise<void> =>
  void dataOf(await graphql(url, `mutation ($id: ID!) { ${verb}(postId: $id) { id } }`, { id: postId }, { token: who.accessToken }));

let author: TestUser;
let reader: TestUser;
let postId: string;
beforeAll(async () => {
  [author, reader] = [await registerUser(supergraph, 'cached_author'), await registerUser(supergraph, 'cached_reader')];
  postId = await createPostBy(supergraph, author, 'first version');
});

describe('a cached answer', () => {
  test('to an anonymous query is served whole, without asking any subgraph', async () => {
    const first = await readPost(postId);
    expect(await requestsDuring(async () => expect(await readPost(postId)).toEqual(first))).toEqual({ users: 0, posts: 0, likes: 0 });
  });

  test("of a signed-in viewer's entity fetches spares the subgraphs that own them", async () => {
    const first = await readPost(postId, reader);
    // posts still answers post(id) (a signed-in response is never kept whole); likes and users are not asked.
    expect(await requestsDuring(async () => expect(await readPost(postId, reader)).toEqual(first))).toEqual({ users: 0, posts: 1, likes: 0 });
  });

  test('is shared across viewers for fields that do not depend on the viewer', async () => {
    const other = await registerUser(supergraph, 'cached_other');
    await readPost(postId, reader);
    // The author (users) is shared; likes' answer holds likedByViewer, so it is kept per viewer.
    expect(await requestsDuring(() => readPost(postId, other))).toEqual({ users: 0, posts: 1, likes: 1 });
  });
});

describe('no viewer sees what another viewer sees', () => {
  test('likedByViewer is each viewer\'s own, and anonymous sees false', async () => {
    const liked = await createPostBy(supergraph, author, 'liked by one');
    for (const who of [reader, author, undefined]) await readPost(liked, who);
    await like(reader, liked);
    for (let round = 0; round < 2; round += 1) {
      expect(await readPost(liked, reader)).toMatchObject({ likeCount: 1, likedByViewer: true });
      expect(await readPost(liked, author)).toMatchObject({ likeCount: 1, likedByViewer: false });
      expect(await readPost(liked)).toMatchObject({ likeCount: 1, likedByViewer: false });
    }
  });

  test('a per-viewer field inside a named fragment is still kept per viewer', async () => {
    // The planner reuses the client's fragments in its subgraph fetches (reuseQueryFragments).
    const query = 'query ($id: ID!) { post(id: $id) { id ...Seen } } fragment Seen on Post { likeCount likedByViewer }';
    const seen = async (who: TestUser) => dataOf(await graphql<{ post: { likedByViewer: boolean } }>(supergraph.gatewayUrl, query, { id: liked }, { token: who.accessToken })).post.likedByViewer;
    const liked = await createPostBy(supergraph, author, 'liked through a fragment');
    await like(reader, liked);
    for (let round = 0; round < 2; round += 1) {
      expect(await seen(reader)).toBe(true);
      expect(await seen(author)).toBe(false);
    }
  });

  test('an email (visible to its owner only) is kept per viewer', async () => {
    const query = 'query ($id: ID!) { post(id: $id) { author { email } } }';
    const email = async (who?: TestUser) => dataOf(await graphql<{ post: { author: { email: string | null } } }>(supergraph.gatewayUrl, query, { id: postId }, { token: who?.accessToken })).post.author.email;
    for (let round = 0; round < 2; round += 1) {
      expect(await email(author)).toBe(author.email);
      expect(await email(reader)).toBeNull();
      expect(await email()).toBeNull();
    }
  });
});

describe('the next read after a write shows it', () => {
  test('likeCount after each like and unlike, signed in and anonymous', async () => {
    const counted = await createPostBy(supergraph, author, 'counted');
    for (let round = 0; round < 10; round += 1) {
      const liked = round % 2 === 0;
      await readPost(counted, reader);
      await readPost(counted);
      await like(author, counted, liked ? 'likePost' : 'unlikePost');
      expect(await readPost(counted, reader)).toMatchObject({ likeCount: liked ? 1 : 0 });
      expect(await readPost(counted)).toMatchObject({ likeCount: liked ? 1 : 0 });
      expect(await readPost(counted, author)).toMatchObject({ likeCount: liked ? 1 : 0, likedByViewer: liked });
    }
  });

  test('a post edit', async () => {
    const edited = await createPostBy(supergraph, author, 'before the edit');
    await Promise.all([readPost(edited, reader), readPost(edited)]);
    dataOf(await supergraph.request('mutation ($id: ID!) { updatePost(id: $id, body: "after the edit") { id } }', { id: edited }, { token: author.accessToken }));
    expect((await readPost(edited, reader)).body).toBe('after the edit');
    expect((await readPost(edited)).body).toBe('after the edit');
  });

  test('a profile update', async () => {
    await Promise.all([readPost(postId, reader), readPost(postId)]);
    for (const name of ['Ada', 'Grace']) {
      dataOf(await supergraph.request('mutation ($name: String!) { updateProfile(input: { displayName: $name }) { id } }', { name }, { token: author.accessToken }));
      expect((await readPost(postId, reader)).author.displayName).toBe(name);
      expect((await readPost(postId)).author.displayName).toBe(name);
    }
  });

  test('a deletion', async () => {
    const doomed = await createPostBy(supergraph, author, 'doomed');
    await readPost(doomed);
    dataOf(await supergraph.request('mutation ($id: ID!) { deletePost(id: $id) }', { id: doomed }, { token: author.accessToken }));
    expect(dataOf(await supergraph.request<{ post: unknown }>(POST, { id: doomed })).post).toBeNull();
  });
});

test('a write no domain announced shows once its TTL has passed', async () => {
  // Every answer expires after 2 s at this gateway; its own prefix keeps the others' answers apart.
  const { url } = await startAnotherGateway({ CACHE_MAX_TTL_SECONDS: '2', REDIS_PREFIX: `${supergraph.redisPrefix}-ttl` });
  const quiet = await createPostBy(supergraph, author, 'announced');
  await Promise.all([readPost(quiet, reader, url), readPost(quiet, undefined, url)]);
  // Under the API: no announcement, so the caches keep the old body until it expires.
  await sql(supergraph.databaseUrls['posts']!, 'UPDATE posts SET body = $1 WHERE id = $2', ['changed quietly', quiet]);
  expect((await readPost(quiet, undefined, url)).body).toBe('announced');
  await new Promise((resolve) => setTimeout(resolve, 2_200));
  expect((await readPost(quiet, reader, url)).body).toBe('changed quietly');
  expect((await readPost(quiet, undefined, url)).body).toBe('changed quietly');
});

describe('two gateways on one Redis', () => {
  let second: RunningGateway;
  beforeAll(async () => {
    second = await startAnotherGateway();
  });

  test("share answers: one gateway's fetch serves the other", async () => {
    const shared = await createPostBy(supergraph, author, 'shared');
    const first = await readPost(shared, reader);
    expect(await requestsDuring(async () => expect(await readPost(shared, reader, second.url)).toEqual(first))).toEqual({ users: 0, posts: 1, likes: 0 });
    const anonymous = await readPost(shared);
    expect(await requestsDuring(async () => expect(await readPost(shared, undefined, second.url)).toEqual(anonymous))).toEqual({ users: 0, posts: 0, likes: 0 });
  });

  test('both drop an answer when a write through either is announced', async () => {
    const shared = await createPostBy(supergraph, author, 'liked across gateways');
    for (let round = 0; round < 4; round += 1) {
      const liked = round % 2 === 0;
      await Promise.all([readPost(shared, reader), readPost(shared, reader, second.url), readPost(shared), readPost(shared, undefined, second.url)]);
      await like(author, shared, liked ? 'likePost' : 'unlikePost', round < 2 ? supergraph.gatewayUrl : second.url);
      for (const url of [supergraph.gatewayUrl, second.url]) {
        expect(await readPost(shared, reader, url)).toMatchObject({ likeCount: liked ? 1 : 0 });
        expect(await readPost(shared, undefined, url)).toMatchObject({ likeCount: liked ? 1 : 0 });
      }
    }
  });
});
