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

  test('several in one request each answer with the state after their own write', async () => {
    const [author, fan] = [await registerUser(supergraph, 'sequenced'), await registerUser(supergraph, 'sequencer')];
    const postId = await createPost(author);
    const result = await supergraph.request<Record<string, { likeCount: number; likedByViewer: boolean }>>(
      `mutation ($id: ID!) {
        first: likePost(postId: $id) { likeCount likedByViewer }
        second: unlikePost(postId: $id) { likeCount likedByViewer }
        third: likePost(postId: $id) { likeCount likedByViewer }
      }`,
      { id: postId },
      { token: fan.accessToken },
    );
    expect(dataOf(result)).toEqual({
      first: { likeCount: 1, likedByViewer: true },
      second: { likeCount: 0, likedByViewer: false },
      third: { likeCount: 1, likedByViewer: true },
    });
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

describe('maintained like counts', () => {
  const likesDb = () => supergraph.databaseUrls['likes']!;
  const likeCountOf = async (postId: string) =>
    dataOf(await supergraph.request<{ post: { likeCount: number } | null }>('query ($id: ID!) { post(id: $id) { likeCount } }', { id: postId })).post?.likeCount;
  /** The post's like rows, its counter row, and the sum of its hourly counters. */
  const tallies = async (postId: string) =>
    (
      await sql<{ rows: number; counted: number | null; hours: number | null }>(
        likesDb(),
        `SELECT (SELECT count(*)::int FROM likes WHERE post_id = $1) AS rows,
                (SELECT count FROM post_like_counts WHERE post_id = $1) AS counted,
                (SELECT sum(count)::int FROM post_like_hours WHERE post_id = $1) AS hours`,
        [postId],
      )
    )[0]!;

  test('stay exact while many users like and unlike the same post at once, and drop to 0 when the post is deleted', async () => {
    const author = await registerUser(supergraph, 'contested');
    const postId = await createPost(author);
    const fans = await Promise.all(Array.from({ length: 40 }, () => registerUser(supergraph, 'racer')));
    // Each fan's own actions run in order (so its final state is known); all fans race each other.
    const scripts: Array<Array<'likePost' | 'unlikePost'>> = [
      ['likePost', 'likePost', 'unlikePost'],
      ['likePost', 'unlikePost', 'likePost', 'likePost'],
      ['unlikePost', 'likePost'],
      ['likePost', 'unlikePost', 'unlikePost'],
    ];
    const results = await Promise.all(
      fans.map(async (fan, index) => {
        const errors = [];
        for (const verb of scripts[index % scripts.length]!) errors.push(...((await like(fan, postId, verb)).errors ?? []));
        return errors;
      }),
    );
    expect(results.flat()).toEqual([]);
    // Fans following scripts 0 and 3 end unliked; 1 and 2 end liking: half of them.
    expect(await tallies(postId)).toEqual({ rows: 20, counted: 20, hours: 20 });
    expect(await likeCountOf(postId)).toBe(20);

    // Fifty concurrent likes and unlikes by the same fans again: whatever order they ran in,
    // the counters equal the rows.
    await Promise.all(fans.flatMap((fan, index) => [like(fan, postId, index % 3 === 0 ? 'unlikePost' : 'likePost'), like(fan, postId)]));
    const settled = await tallies(postId);
    expect(settled.counted).toBe(settled.rows);
    expect(settled.hours).toBe(settled.rows);

    dataOf(await supergraph.request('mutation ($id: ID!) { deletePost(id: $id) }', { id: postId }, { token: author.accessToken }));
    await eventually(async () => (await tallies(postId)).rows === 0, 10_000, 'PostDeleted removing the likes');
    expect(await tallies(postId)).toEqual({ rows: 0, counted: 0, hours: 0 });
  });

  test('popularPosts answers exactly what grouping the like rows answers, for any since', async () => {
    // Likes spread over the last five hours, written straight into likes' tables (the
    // triggers count them as they count the mutations' likes).
    const hour = 3_600_000;
    const posts = Array.from({ length: 12 }, (_, index) => `01900000-0000-7000-8000-${String(index).padStart(12, '0')}`);
    await sql(likesDb(), 'INSERT INTO known_posts (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING', [posts]);
    await sql(
      likesDb(),
      `INSERT INTO likes (post_id, user_id, created_at)
         SELECT ($1::uuid[])[1 + (i * 7) % 12], ('01900000-0000-7000-9000-' || lpad(i::text, 12, '0'))::uuid, now() - (i * interval '61 seconds')
         FROM generate_series(1, 290) AS i`,
      [posts],
    );
    const reference = async (since: Date | null, first: number) =>
      (
        await sql<{ id: string }>(
          likesDb(),
          'SELECT post_id::text AS id FROM likes WHERE $1::timestamptz IS NULL OR created_at >= $1 GROUP BY post_id ORDER BY count(*) DESC, post_id DESC LIMIT $2',
          [since, first],
        )
      ).map((row) => row.id);
    const popular = async (since: Date | null, first: number) =>
      dataOf(
        await supergraph.request<{ popularPosts: Array<{ id: string }> }>('query ($since: DateTime, $first: Int!) { popularPosts(first: $first, since: $since) { id } }', {
          since: since?.toISOString() ?? null,
          first,
        }),
      ).popularPosts.map((post) => post.id);
    // 12 posts with 24 or 25 likes each: a page of 3 is cut among tied posts, which only the
    // id orders.
    const expectSame = async (since: Date | null) => {
      for (const first of [3, 100]) expect(await popular(since, first)).toEqual(await reference(since, first));
    };
    const now = Date.now();
    const startOfHour = now - (now % hour);
    const sinces = [null, new Date(now - 2.5 * hour), new Date(startOfHour - 2 * hour), new Date(startOfHour), new Date(now - 90_000), new Date(now - 5 * hour - 1), new Date(now + hour)];
    for (const since of sinces) await expectSame(since);
    // Unliking moves the counts down as exactly.
    await sql(likesDb(), 'DELETE FROM likes WHERE post_id = $1 AND created_at > now() - interval \'100 minutes\'', [posts[3]]);
    for (const since of sinces) await expectSame(since);
  });

  test('likeCount and popularPosts cost the same statements with thousands more likes', async () => {
    const author = await registerUser(supergraph, 'measured');
    const postId = await createPost(author, 'hot');
    const fan = await registerUser(supergraph, 'measurer');
    dataOf(await like(fan, postId));
    // One fetch at a time: concurrent loads of like counts share a statement when they meet
    // in one turn (coalescedFetch), which would make the count depend on timing, not data.
    const read = async () => {
      dataOf(await supergraph.request('query ($id: ID!) { post(id: $id) { likeCount } }', { id: postId }));
      for (const since of [null, new Date(Date.now() - 7_200_000).toISOString()]) {
        dataOf(await supergraph.request('query ($since: DateTime) { popularPosts(first: 10, since: $since) { id likeCount } }', { since }));
      }
    };
    const statements = async () => supergraph.statementsDuring('likes', read);
    await read();
    const few = await statements();
    await sql(
      likesDb(),
      `INSERT INTO likes (post_id, user_id, created_at)
         SELECT $1::uuid, ('01900000-0000-7000-a000-' || lpad(i::text, 12, '0'))::uuid, now() - (i * interval '1 second') FROM generate_series(1, 5000) AS i`,
      [postId],
    );
    expect(await likeCountOf(postId)).toBe(5001);
    expect(await statements()).toBe(few);
  });
});
