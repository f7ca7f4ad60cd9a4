import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
});
afterAll(() => supergraph.stop());

const follow = (who: TestUser, userId: string) =>
  supergraph.request<{ follow: { id: string; followersCount: number; isFollowedByViewer: boolean } }>(
    'mutation ($id: ID!) { follow(userId: $id) { id followersCount isFollowedByViewer } }',
    { id: userId },
    { token: who.accessToken },
  );
const unfollow = (who: TestUser, userId: string) =>
  supergraph.request<{ unfollow: { id: string; followersCount: number; isFollowedByViewer: boolean } }>(
    'mutation ($id: ID!) { unfollow(userId: $id) { id followersCount isFollowedByViewer } }',
    { id: userId },
    { token: who.accessToken },
  );
const counts = async (userId: string, token?: string) =>
  dataOf(
    await supergraph.request<{ user: { followersCount: number; followingCount: number; isFollowedByViewer: boolean } }>(
      'query ($id: ID!) { user(id: $id) { followersCount followingCount isFollowedByViewer } }',
      { id: userId },
      { token },
    ),
  ).user;

test('follow and unfollow are idempotent and keep the counts right', async () => {
  const [fan, star] = [await registerUser(supergraph, 'fan'), await registerUser(supergraph, 'star')];
  expect(dataOf(await follow(fan, star.id)).follow).toEqual({ id: star.id, followersCount: 1, isFollowedByViewer: true });
  expect(dataOf(await follow(fan, star.id)).follow.followersCount).toBe(1);
  expect(await counts(star.id, fan.accessToken)).toEqual({ followersCount: 1, followingCount: 0, isFollowedByViewer: true });
  expect(await counts(fan.id)).toMatchObject({ followersCount: 0, followingCount: 1, isFollowedByViewer: false });
  expect(dataOf(await unfollow(fan, star.id)).unfollow).toEqual({ id: star.id, followersCount: 0, isFollowedByViewer: false });
  expect(dataOf(await unfollow(fan, star.id)).unfollow.followersCount).toBe(0);
});

test('twenty concurrent follows of one user by one user leave one follow and no error', async () => {
  const [fan, star] = [await registerUser(supergraph, 'eager'), await registerUser(supergraph, 'target')];
  const results = await Promise.all(Array.from({ length: 20 }, () => follow(fan, star.id)));
  expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
  const rows = await sql<{ count: string }>(supergraph.databaseUrls['users']!, 'SELECT count(*) FROM follows WHERE followee_id = $1', [star.id]);
  expect(rows[0]?.count).toBe('1');
  expect((await counts(star.id)).followersCount).toBe(1);
});

test('two users unfollowing each other at once, again and again, end without error and with exact counts', async () => {
  const [a, b] = [await registerUser(supergraph, 'mutual_a'), await registerUser(supergraph, 'mutual_b')];
  for (let round = 0; round < 10; round += 1) {
    const results = [...(await Promise.all([follow(a, b.id), follow(b, a.id)])), ...(await Promise.all([unfollow(a, b.id), unfollow(b, a.id)]))];
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
  }
  expect(await counts(a.id)).toMatchObject({ followersCount: 0, followingCount: 0 });
  expect(await counts(b.id)).toMatchObject({ followersCount: 0, followingCount: 0 });
});

test('bad follows: yourself, unknown users, malformed ids, anonymous callers', async () => {
  const user = await registerUser(supergraph, 'lonely');
  const self = await follow(user, user.id);
  expect(errorCodes(self)).toEqual(['BAD_USER_INPUT']);
  expect(self.errors?.[0]?.extensions?.field).toBe('userId');
  expect(errorCodes(await follow(user, '01900000-0000-7000-8000-00000000beef'))).toEqual(['NOT_FOUND']);
  expect(errorCodes(await unfollow(user, '01900000-0000-7000-8000-00000000beef'))).toEqual(['NOT_FOUND']);
  expect(errorCodes(await follow(user, 'nope'))).toEqual(['BAD_USER_INPUT']);
  expect(errorCodes(await supergraph.request(`mutation { follow(userId: "${user.id}") { id } }`))).toEqual(['UNAUTHENTICATED']);
  expect(await counts(user.id)).toMatchObject({ followersCount: 0, followingCount: 0 });
});

test('followers and following page newest first, with totals', async () => {
  const star = await registerUser(supergraph, 'popular');
  const fans: TestUser[] = [];
  for (let i = 0; i < 5; i += 1) {
    const fan = await registerUser(supergraph, 'follower');
    dataOf(await follow(fan, star.id));
    fans.push(fan);
  }
  const followers = async (after: string | null) =>
    dataOf(
      await supergraph.request<{ user: { followers: { totalCount: number; edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
        'query ($id: ID!, $after: String) { user(id: $id) { followers(first: 3, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
        { id: star.id, after },
      ),
    ).user.followers;
  const first = await followers(null);
  const second = await followers(first.pageInfo.endCursor);
  expect(first.totalCount).toBe(5);
  expect([...first.edges, ...second.edges].map((edge) => edge.node.id)).toEqual(fans.map((fan) => fan.id).reverse());
  expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);

  const following = dataOf(
    await supergraph.request<{ user: { following: { totalCount: number; edges: Array<{ node: { username: string } }> } } }>(
      'query ($id: ID!) { user(id: $id) { following { totalCount edges { node { username } } } } }',
      { id: fans[0]!.id },
    ),
  ).user.following;
  expect(following).toEqual({ totalCount: 1, edges: [{ node: { username: star.username } }] });
});

test('the SQL a users page costs does not grow with the page size', async () => {
  const viewer = await registerUser(supergraph, 'counter');
  for (let i = 0; i < 12; i += 1) await registerUser(supergraph, 'bulk');
  const statements = (first: number): Promise<number> =>
    supergraph.statementsDuring('users', async () => {
      const result = await supergraph.request(
        `query ($first: Int) { users(first: $first) { edges { node { id username followersCount followingCount isFollowedByViewer } } } }`,
        { first },
        { token: viewer.accessToken },
      );
      expect((result.data as { users: { edges: unknown[] } }).users.edges.length).toBe(first);
    });
  const small = await statements(2);
  const large = await statements(12);
  expect(large).toBe(small);
  expect(small).toBeLessThanOrEqual(5);
});

test('followersCount and followingCount stay exact while many users follow and unfollow each other at once, and cost no more with more follows', async () => {
  const star = await registerUser(supergraph, 'crowdstar');
  const fans = await Promise.all(Array.from({ length: 30 }, () => registerUser(supergraph, 'crowdfan')));
  // Each fan's own steps run in order; all fans race each other, and the star follows them
  // back meanwhile (both rows of a pair change in one statement's counts).
  const steps = [['follow', 'follow'], ['follow', 'unfollow'], ['unfollow', 'follow', 'unfollow', 'follow']] as const;
  const results = await Promise.all([
    ...fans.map(async (fan, index) => {
      const errors = [];
      for (const step of steps[index % steps.length]!) errors.push(...((await (step === 'follow' ? follow : unfollow)(fan, star.id)).errors ?? []));
      return errors;
    }),
    ...fans.map(async (fan) => (await follow(star, fan.id)).errors ?? []),
  ]);
  expect(results.flat()).toEqual([]);
  // Fans 0 and 2 (mod 3) end following: 20 of 30.
  expect(await counts(star.id)).toMatchObject({ followersCount: 20, followingCount: 30 });
  const [row] = await sql<{ followers: number; following: number }>(supergraph.databaseUrls['users']!, 'SELECT followers, following FROM user_follow_counts WHERE user_id = $1', [star.id]);
  expect(row).toEqual({ followers: 20, following: 30 });
  for (const [index, fan] of fans.entries()) expect(await counts(fan.id)).toMatchObject({ followersCount: 1, followingCount: index % 3 === 1 ? 0 : 1 });

  // A deleted account's follows go with it, and so do they from the counts.
  const statements = () => supergraph.statementsDuring('users', () => counts(star.id));
  const before = await statements();
  await sql(supergraph.databaseUrls['users']!, 'DELETE FROM users WHERE id = $1', [fans[0]!.id]);
  expect(await counts(star.id)).toMatchObject({ followersCount: 19, followingCount: 29 });
  expect(await statements()).toBe(before);
});
