import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { makeAdmin, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { channelSubscribers } from './support/redis.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';

interface PostView {
  id: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: { id: string; username: string };
}
type Page = { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
});
afterAll(() => supergraph.stop());

const POST_FIELDS = 'id body createdAt updatedAt author { id username }';
const createPost = (who: TestUser | undefined, body: string) =>
  supergraph.request<{ createPost: PostView }>(`mutation ($body: String!) { createPost(body: $body) { ${POST_FIELDS} } }`, { body }, { token: who?.accessToken });
const post = async (id: string) => dataOf(await supergraph.request<{ post: PostView | null }>(`query ($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`, { id })).post;
const postsCount = async () => Number((await sql<{ n: string }>(supergraph.databaseUrls['posts']!, 'SELECT count(*) AS n FROM posts'))[0]?.n);

describe('createPost', () => {
  test('posts as the signed-in user, trimmed, with the author from the users subgraph', async () => {
    const author = await registerUser(supergraph, 'author');
    const created = dataOf(await createPost(author, '  Hello,\nfederation!  ')).createPost;
    expect(created).toMatchObject({ body: 'Hello,\nfederation!', author: { id: author.id, username: author.username } });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await post(created.id)).toEqual(created);
  });

  test.each([
    ['empty', ''],
    ['blank', ' \n\t '],
    ['501 characters', 'x'.repeat(501)],
    ['control characters', 'bell\u0007'],
  ])('refuses a body that is %s with BAD_USER_INPUT on body, writing nothing', async (_label, body) => {
    const author = await registerUser(supergraph, 'badbody');
    const before = await postsCount();
    const result = await createPost(author, body);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('body');
    expect(await postsCount()).toBe(before);
  });

  test('accepts exactly 500 characters, counted as characters', async () => {
    const author = await registerUser(supergraph, 'long');
    expect(dataOf(await createPost(author, '🦊'.repeat(500))).createPost.body).toBe('🦊'.repeat(500));
  });

  test('refuses anonymous callers', async () => {
    expect(errorCodes(await createPost(undefined, 'hello'))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('post(id)', () => {
  test('is null for an unknown or malformed id', async () => {
    expect(await post('01900000-0000-7000-8000-00000000dead')).toBeNull();
    expect(await post('nope')).toBeNull();
  });
});

describe('updatePost and deletePost', () => {
  const update = (who: TestUser, id: string, body: string) =>
    supergraph.request<{ updatePost: PostView }>(`mutation ($id: ID!, $body: String!) { updatePost(id: $id, body: $body) { ${POST_FIELDS} } }`, { id, body }, { token: who.accessToken });
  const remove = (who: TestUser, id: string) => supergraph.request<{ deletePost: boolean }>('mutation ($id: ID!) { deletePost(id: $id) }', { id }, { token: who.accessToken });

  test('the author edits a post; anyone else is FORBIDDEN; a bad body or unknown post is refused', async () => {
    const [author, other] = [await registerUser(supergraph, 'editor'), await registerUser(supergraph, 'meddler')];
    const created = dataOf(await createPost(author, 'first draft')).createPost;
    // The edit must land in a later millisecond than the creation for updatedAt to move.
    await eventually(() => Date.now() > Date.parse(created.updatedAt), 1_000, 'the next millisecond');
    const updated = dataOf(await update(author, created.id, ' second draft ')).updatePost;
    expect(updated).toMatchObject({ id: created.id, body: 'second draft', createdAt: created.createdAt });
    expect(updated.updatedAt > created.updatedAt).toBe(true);
    expect(errorCodes(await update(other, created.id, 'mine now'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await update(author, created.id, ''))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await update(author, '01900000-0000-7000-8000-00000000dead', 'x'))).toEqual(['NOT_FOUND']);
    expect((await post(created.id))?.body).toBe('second draft');
  });

  test('the author or an admin deletes a post; anyone else is FORBIDDEN; then it is NOT_FOUND', async () => {
    const [author, other, admin] = [await registerUser(supergraph, 'deleter'), await registerUser(supergraph, 'bystander'), await registerUser(supergraph, 'moderator')];
    admin.accessToken = await makeAdmin(supergraph, admin);
    const [mine, moderated] = [dataOf(await createPost(author, 'delete me')).createPost, dataOf(await createPost(author, 'moderate me')).createPost];
    expect(errorCodes(await remove(other, mine.id))).toEqual(['FORBIDDEN']);
    expect(dataOf(await remove(author, mine.id)).deletePost).toBe(true);
    expect(dataOf(await remove(admin, moderated.id)).deletePost).toBe(true);
    expect(await post(mine.id)).toBeNull();
    expect(await post(moderated.id)).toBeNull();
    expect(errorCodes(await remove(author, mine.id))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await remove(author, 'nope'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('timelines', () => {
  const timeline = async (after: string | null, first = 3) =>
    dataOf(
      await supergraph.request<{ publicTimeline: Page }>(
        'query ($first: Int, $after: String) { publicTimeline(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { first, after },
      ),
    ).publicTimeline;

  test('publicTimeline pages newest first and stays stable while posts are added', async () => {
    const author = await registerUser(supergraph, 'paged');
    const mine: string[] = [];
    for (let i = 0; i < 6; i += 1) mine.push(dataOf(await createPost(author, `post ${i}`)).createPost.id);
    const first = await timeline(null);
    expect(first.edges.map((edge) => edge.node.id)).toEqual(mine.slice(3).reverse());
    // New posts land before the cursor: the next page continues where the first ended.
    for (let i = 0; i < 3; i += 1) await createPost(author, `interloper ${i}`);
    const second = await timeline(first.pageInfo.endCursor);
    expect(second.edges.map((edge) => edge.node.id)).toEqual(mine.slice(0, 3).reverse());
  });

  test('User.posts and postsCount are the user\'s own posts', async () => {
    const author = await registerUser(supergraph, 'counted');
    const ids = [dataOf(await createPost(author, 'one')).createPost.id, dataOf(await createPost(author, 'two')).createPost.id];
    const user = dataOf(
      await supergraph.request<{ user: { postsCount: number; posts: Page } }>('query ($id: ID!) { user(id: $id) { postsCount posts { edges { node { id } } pageInfo { hasNextPage endCursor } } } }', {
        id: author.id,
      }),
    ).user;
    expect(user.postsCount).toBe(2);
    expect(user.posts.edges.map((edge) => edge.node.id)).toEqual(ids.reverse());
  });

  test('postsCount stays exact while an author posts and deletes at once, and costs no more with more posts', async () => {
    const author = await registerUser(supergraph, 'prolific');
    const countOf = async () => dataOf(await supergraph.request<{ user: { postsCount: number } }>('query ($id: ID!) { user(id: $id) { postsCount } }', { id: author.id })).user.postsCount;
    const first = await Promise.all(Array.from({ length: 12 }, (_, index) => createPost(author, `burst ${index}`)));
    // Half of them deleted while twelve more are written.
    await Promise.all([
      ...first.slice(0, 6).map((result) => supergraph.request('mutation ($id: ID!) { deletePost(id: $id) }', { id: dataOf(result).createPost.id }, { token: author.accessToken })),
      ...Array.from({ length: 12 }, (_, index) => createPost(author, `second burst ${index}`)),
    ]);
    expect(await countOf()).toBe(18);
    const [row] = await sql<{ count: number }>(supergraph.databaseUrls['posts']!, 'SELECT count FROM author_post_counts WHERE author_id = $1', [author.id]);
    expect(row?.count).toBe(18);
    const statements = () => supergraph.statementsDuring('posts', countOf);
    const before = await statements();
    await sql(
      supergraph.databaseUrls['posts']!,
      `INSERT INTO posts (id, author_id, body, updated_at) SELECT ('01900000-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid, $1, 'bulk', now() FROM generate_series(1, 2000) AS i`,
      [author.id],
    );
    expect(await countOf()).toBe(2018);
    expect(await statements()).toBe(before);
  });

  test('me { homeTimeline } holds the posts of the users I follow, newest first, and nobody else\'s', async () => {
    const [reader, followed, alsoFollowed, stranger] = (await Promise.all(['reader', 'followed', 'alsofollowed', 'stranger'].map((name) => registerUser(supergraph, name)))) as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
    const empty = dataOf(await supergraph.request<{ me: { homeTimeline: Page } }>('{ me { homeTimeline { edges { node { id } } } } }', {}, { token: reader.accessToken }));
    expect(empty.me.homeTimeline.edges).toEqual([]);
    for (const user of [followed, alsoFollowed]) {
      dataOf(await supergraph.request('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: user.id }, { token: reader.accessToken }));
    }
    const expected: string[] = [];
    for (const [author, body] of [[followed, 'a'], [stranger, 'b'], [alsoFollowed, 'c'], [reader, 'd'], [followed, 'e']] as const) {
      const id = dataOf(await createPost(author, body)).createPost.id;
      if (author === followed || author === alsoFollowed) expected.unshift(id);
    }
    const home = dataOf(
      await supergraph.request<{ me: { homeTimeline: { edges: Array<{ node: { id: string; author: { username: string } } }> } } }>(
        '{ me { homeTimeline(first: 10) { edges { node { id author { username } } } } } }',
        {},
        { token: reader.accessToken },
      ),
    ).me.homeTimeline;
    expect(home.edges.map((edge) => edge.node.id)).toEqual(expected);
    expect(new Set(home.edges.map((edge) => edge.node.author.username))).toEqual(new Set([followed.username, alsoFollowed.username]));
  });

  test('homeTimeline considers the 5,000 most recently followed users', async () => {
    const [reader, early] = [await registerUser(supergraph, 'heavy'), await registerUser(supergraph, 'early')];
    const earlyPost = dataOf(await createPost(early, 'from the first user I followed')).createPost.id;
    dataOf(await supergraph.request('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: early.id }, { token: reader.accessToken }));
    const homeIds = async () =>
      dataOf(await supergraph.request<{ me: { homeTimeline: Page } }>('{ me { homeTimeline(first: 5) { edges { node { id } } } } }', {}, { token: reader.accessToken })).me.homeTimeline.edges.map(
        (edge) => edge.node.id,
      );
    expect(await homeIds()).toEqual([earlyPost]);
    // 5,000 later follows (written directly: accounts and follows in bulk) push the first one out.
    const users = supergraph.databaseUrls['users']!;
    await sql(
      users,
      `INSERT INTO users (id, username, username_key, email, password_hash, updated_at)
       SELECT gen_random_uuid(), 'bulk_' || n, 'bulk_' || n, 'bulk_' || n || '@example.com', 'x', now() FROM generate_series(1, 5000) AS n`,
    );
    await sql(users, `INSERT INTO follows (follower_id, followee_id, created_at) SELECT $1, id, now() + interval '1 minute' FROM users WHERE username_key LIKE 'bulk\\_%'`, [reader.id]);
    expect(await homeIds()).toEqual([]);
  });

  test('followingIds, the field homeTimeline needs, is not part of the public API', async () => {
    const result = await supergraph.request('{ me { followingIds } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('postCreated', () => {
  test('delivers new posts, from one author or from everyone, with fields from users and likes', async () => {
    const [watched, other] = [await registerUser(supergraph, 'watched'), await registerUser(supergraph, 'other')];
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const selection = '{ id body author { username } likeCount }';
      type Event = { postCreated: { id: string; body: string; author: { username: string }; likeCount: number } };
      const fromOne = socket.subscribe<Event>(`subscription ($id: ID) { postCreated(authorId: $id) ${selection} }`, { id: watched.id });
      const fromAll = socket.subscribe<Event>(`subscription { postCreated ${selection} }`);
      await eventually(
        async () => (await channelSubscribers(supergraph.channel('postCreated'))) > 0 && (await channelSubscribers(supergraph.channel(`postCreated:${watched.id}`))) > 0,
        5_000,
        'both upstream subscriptions',
      );
      await createPost(other, 'not for the first subscriber');
      const mine = dataOf(await createPost(watched, 'for both')).createPost;
      expect((await fromAll.next()).data?.postCreated.body).toBe('not for the first subscriber');
      expect((await fromAll.next()).data?.postCreated.id).toBe(mine.id);
      expect(await fromOne.next()).toEqual({ data: { postCreated: { id: mine.id, body: 'for both', author: { username: watched.username }, likeCount: 0 } } });
    } finally {
      await socket.dispose();
    }
  });

  test('refuses a malformed authorId', async () => {
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const result = await socket.subscribe('subscription { postCreated(authorId: "nope") { id } }').next();
      expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    } finally {
      await socket.dispose();
    }
  });
});
