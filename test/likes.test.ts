import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { channelSubscribers } from './support/redis.js';
import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
});
afterAll(() => supergraph.stop());

type LikeView = { id: string; likeCount: number; likedByViewer: boolean };
const createPost = (who: TestUser, body = 'likeable'): Promise<string> => createPostBy(supergraph, who, body);
const like = (who: TestUser | undefined, postId: string, verb: 'likePost' | 'unlikePost' = 'likePost') =>
  supergraph.request<Record<string, LikeView>>(`mutation ($id: ID!) { ${verb}(postId: $id) { id likeCount likedByViewer } }`, { id: postId }, { token: who?.accessToken });
const likeRows = async (postId: string) => Number((await sql<{ n: string }>(supergraph.databaseUrls['likes']!, 'SELECT count(*) AS n FROM likes WHERE post_id = $1', [postId]))[0]?.n);

describe('likePost and unlikePost', () => {
  test('are idempotent and keep likeCount and likedByViewer right', async () => {
    const [author, fan] = [await registerUser(supergraph, 'likedauthor'), await registerUser(supergraph, 'fan')];
    const postId = await createPost(author);
    expect(dataOf(await like(fan, postId))['likePost']).toEqual({ id: postId, likeCount: 1, likedByViewer: true });
    expect(dataOf(await like(fan, postId))['likePost']).toEqual({ id: postId, likeCount: 1, likedByViewer: true });
    expect(dataOf(await like(author, postId))['likePost']?.likeCount).toBe(2);
    expect(dataOf(await like(fan, postId, 'unlikePost'))['unlikePost']).toEqual({ id: postId, likeCount: 1, likedByViewer: false });
    expect(dataOf(await like(fan, postId, 'unlikePost'))['unlikePost']?.likeCount).toBe(1);
  });

  test('a like right after createPost finds the post, before or after posts\' event arrives', async () => {
    const author = await registerUser(supergraph, 'quick');
    for (let i = 0; i < 10; i += 1) {
      const postId = await createPost(author, `quick ${i}`);
      expect(dataOf(await like(author, postId))['likePost']?.likeCount).toBe(1);
    }
  });

  test('refuses unknown posts with NOT_FOUND, malformed ids with BAD_USER_INPUT, anonymous callers with UNAUTHENTICATED', async () => {
    const fan = await registerUser(supergraph, 'refused');
    expect(errorCodes(await like(fan, '01900000-0000-7000-8000-00000000dead'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await like(fan, '01900000-0000-7000-8000-00000000dead', 'unlikePost'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await like(fan, 'nope'))).toEqual(['BAD_USER_INPUT']);
    const postId = await createPost(fan);
    expect(errorCodes(await like(undefined, postId))).toEqual(['UNAUTHENTICATED']);
    expect(await likeRows(postId)).toBe(0);
  });

  test('fifty concurrent likes by one user leave one like and never return an error', async () => {
    const fan = await registerUser(supergraph, 'eager');
    const postId = await createPost(fan);
    const results = await Promise.all(Array.from({ length: 50 }, () => like(fan, postId)));
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(await likeRows(postId)).toBe(1);
  });

  test('likeCount equals the number of like rows while many users like and unlike at once', async () => {
    const author = await registerUser(supergraph, 'crowded');
    const postId = await createPost(author);
    const fans = await Promise.all(Array.from({ length: 24 }, () => registerUser(supergraph, 'crowd')));
    // Everyone likes twice; every other fan also unlikes, all interleaved.
    const actions = fans.flatMap((fan, index) => [like(fan, postId), like(fan, postId), ...(index % 2 === 0 ? [like(fan, postId, 'unlikePost')] : [])]);
    const results = await Promise.all(actions);
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const rows = await likeRows(postId);
    const counted = dataOf(await supergraph.request<{ post: { likeCount: number } }>('query ($id: ID!) { post(id: $id) { likeCount } }', { id: postId })).post.likeCount;
    expect(counted).toBe(rows);
    // Settle the unlikes that may have run before their likes, then check the exact count.
    for (const [index, fan] of fans.entries()) if (index % 2 === 0) await like(fan, postId, 'unlikePost');
    expect(dataOf(await supergraph.request<{ post: { likeCount: number } }>('query ($id: ID!) { post(id: $id) { likeCount } }', { id: postId })).post.likeCount).toBe(12);
    expect(await likeRows(postId)).toBe(12);
  });
});

describe('lists', () => {
  test('likers and likedPosts page newest like first, across subgraphs', async () => {
    const author = await registerUser(supergraph, 'lister');
    const postId = await createPost(author, 'a popular one');
    const fans: TestUser[] = [];
    for (let i = 0; i < 4; i += 1) {
      const fan = await registerUser(supergraph, 'liker');
      dataOf(await like(fan, postId));
      fans.push(fan);
    }
    const likers = dataOf(
      await supergraph.request<{ post: { likers: { totalCount: number; edges: Array<{ node: { username: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
        'query ($id: ID!) { post(id: $id) { likers(first: 3) { totalCount edges { node { username } } pageInfo { hasNextPage endCursor } } } }',
        { id: postId },
      ),
    ).post.likers;
    expect(likers.totalCount).toBe(4);
    expect(likers.edges.map((edge) => edge.node.username)).toEqual(fans.slice(1).reverse().map((fan) => fan.username));
    expect(likers.pageInfo.hasNextPage).toBe(true);

    const second = await createPost(author, 'another');
    dataOf(await like(fans[0]!, second));
    const liked = dataOf(
      await supergraph.request<{ user: { likedPosts: { edges: Array<{ node: { id: string; body: string; author: { username: string } } }> } } }>(
        'query ($id: ID!) { user(id: $id) { likedPosts { edges { node { id body author { username } } } } } }',
        { id: fans[0]!.id },
      ),
    ).user.likedPosts;
    expect(liked.edges.map((edge) => edge.node)).toEqual([
      { id: second, body: 'another', author: { username: author.username } },
      { id: postId, body: 'a popular one', author: { username: author.username } },
    ]);
  });

  test('popularPosts ranks by likes given since a time, newer post first on ties, with authors', async () => {
    const author = await registerUser(supergraph, 'ranked');
    const fans = await Promise.all(Array.from({ length: 3 }, () => registerUser(supergraph, 'voter')));
    const [gold, silver, bronze] = [await createPost(author, 'gold'), await createPost(author, 'silver'), await createPost(author, 'bronze')];
    const since = new Date().toISOString();
    for (const fan of fans) await like(fan, gold);
    for (const fan of fans.slice(0, 2)) await like(fan, silver);
    await like(fans[0]!, bronze);
    const popular = async (variables: Record<string, unknown>) =>
      dataOf(await supergraph.request<{ popularPosts: Array<{ id: string; likeCount: number; author: { username: string } }> }>('query ($first: Int, $since: DateTime) { popularPosts(first: $first, since: $since) { id likeCount author { username } } }', variables)).popularPosts;
    expect(await popular({ first: 3, since })).toEqual([
      { id: gold, likeCount: 3, author: { username: author.username } },
      { id: silver, likeCount: 2, author: { username: author.username } },
      { id: bronze, likeCount: 1, author: { username: author.username } },
    ]);
    expect(await popular({ first: 3, since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(errorCodes(await supergraph.request('{ popularPosts(first: 101) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await supergraph.request('{ popularPosts(since: "yesterday") { id } }'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('postLikesChanged', () => {
  test('pushes each like and unlike with the post\'s author from posts and users', async () => {
    const [author, fan] = [await registerUser(supergraph, 'streamed'), await registerUser(supergraph, 'streamfan')];
    const postId = await createPost(author, 'watch my likes');
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const events = socket.subscribe<{ postLikesChanged: { likeCount: number; post: { id: string; body: string; author: { username: string } } } }>(
        'subscription ($id: ID!) { postLikesChanged(postId: $id) { likeCount post { id body author { username } } } }',
        { id: postId },
      );
      await eventually(async () => (await channelSubscribers(supergraph.channel(`postLikesChanged:${postId}`))) > 0, 5_000, 'the upstream subscription');
      await like(fan, postId);
      const post = { id: postId, body: 'watch my likes', author: { username: author.username } };
      expect(await events.next()).toEqual({ data: { postLikesChanged: { likeCount: 1, post } } });
      await like(fan, postId, 'unlikePost');
      expect(await events.next()).toEqual({ data: { postLikesChanged: { likeCount: 0, post } } });
    } finally {
      await socket.dispose();
    }
  });

  test('refuses a post that does not exist with NOT_FOUND', async () => {
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const result = await socket.subscribe('subscription { postLikesChanged(postId: "01900000-0000-7000-8000-00000000dead") { likeCount } }').next();
      expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['NOT_FOUND']);
    } finally {
      await socket.dispose();
    }
  });
});
