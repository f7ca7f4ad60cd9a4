import { randomUUID } from 'node:crypto';
import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { eventually } from './support/eventually.js';

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
});
afterAll(() => supergraph.stop());

const createPost = (who: TestUser, body = 'soon gone'): Promise<string> => createPostBy(supergraph, who, body);
const likePost = (who: TestUser, id: string) => supergraph.request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id }, { token: who.accessToken });
const deletePost = (who: TestUser, id: string) => supergraph.request<{ deletePost: boolean }>('mutation ($id: ID!) { deletePost(id: $id) }', { id }, { token: who.accessToken });
const likeRows = async (postId: string) => Number((await sql<{ n: string }>(supergraph.databaseUrls['likes']!, 'SELECT count(*) AS n FROM likes WHERE post_id = $1', [postId]))[0]?.n);

test('deleting a post removes its likes, and no list shows it, as soon as deletePost returns', async () => {
  const [author, fan] = [await registerUser(supergraph, 'doomed'), await registerUser(supergraph, 'mourner')];
  dataOf(await supergraph.request('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: author.id }, { token: fan.accessToken }));
  const postId = await createPost(author);
  dataOf(await likePost(fan, postId));
  dataOf(await likePost(author, postId));
  expect(await likeRows(postId)).toBe(2);

  expect(dataOf(await deletePost(author, postId)).deletePost).toBe(true);
  expect(await likeRows(postId)).toBe(0);

  const everywhere = dataOf(
    await supergraph.request<{
      post: unknown;
      publicTimeline: { edges: Array<{ node: { id: string } }> };
      popularPosts: Array<{ id: string }>;
      me: { likedPosts: { edges: Array<{ node: { id: string } }> }; homeTimeline: { edges: Array<{ node: { id: string } }> } };
      author: { posts: { edges: Array<{ node: { id: string } }> }; postsCount: number };
    }>(
      `query ($post: ID!, $author: ID!) {
        post(id: $post) { id }
        publicTimeline(first: 100) { edges { node { id } } }
        popularPosts(first: 100) { id }
        me { likedPosts { edges { node { id } } } homeTimeline { edges { node { id } } } }
        author: user(id: $author) { posts { edges { node { id } } } postsCount }
      }`,
      { post: postId, author: author.id },
      { token: fan.accessToken },
    ),
  );
  expect(everywhere.post).toBeNull();
  const ids = [
    ...everywhere.publicTimeline.edges.map((edge) => edge.node.id),
    ...everywhere.popularPosts.map((post) => post.id),
    ...everywhere.me.likedPosts.edges.map((edge) => edge.node.id),
    ...everywhere.me.homeTimeline.edges.map((edge) => edge.node.id),
    ...everywhere.author.posts.edges.map((edge) => edge.node.id),
  ];
  expect(ids).not.toContain(postId);
  expect(everywhere.author.postsCount).toBe(0);
  expect(errorCodes(await likePost(fan, postId))).toEqual(['NOT_FOUND']);
});

test('a like racing the deletion of its post leaves no like behind', async () => {
  const author = await registerUser(supergraph, 'racer');
  const fans = await Promise.all(Array.from({ length: 6 }, () => registerUser(supergraph, 'racefan')));
  for (let round = 0; round < 5; round += 1) {
    const postId = await createPost(author, `race ${round}`);
    await Promise.all([deletePost(author, postId), ...fans.map((fan) => likePost(fan, postId))]);
    await eventually(async () => (await likeRows(postId)) === 0, 5_000, 'no like of the deleted post');
  }
});

test('viewers reading one post at once each get their own per-viewer fields, while sharing the rest in flight', async () => {
  const [author, fan, stranger] = [await registerUser(supergraph, 'shared_author'), await registerUser(supergraph, 'shared_fan'), await registerUser(supergraph, 'shared_stranger')];
  const postId = await createPost(author, 'read by three at once');
  dataOf(await likePost(fan, postId));
  const query = 'query ($id: ID!) { post(id: $id) { likeCount likedByViewer author { username email } } }';
  const read = async (who?: TestUser) => dataOf(await supergraph.request<{ post: { likeCount: number; likedByViewer: boolean; author: { username: string; email: string | null } } }>(query, { id: postId }, { token: who?.accessToken })).post;
  for (let round = 0; round < 5; round += 1) {
    const [asAuthor, asFan, asStranger, asAnonymous] = await Promise.all([read(author), read(fan), read(stranger), read()]);
    expect(asAuthor).toEqual({ likeCount: 1, likedByViewer: false, author: { username: author.username, email: author.email } });
    expect(asFan).toEqual({ likeCount: 1, likedByViewer: true, author: { username: author.username, email: null } });
    expect(asStranger).toEqual(asAnonymous);
    expect(asAnonymous).toEqual({ likeCount: 1, likedByViewer: false, author: { username: author.username, email: null } });
  }
});

test('root fields shared across viewers (@sameForEveryViewer) still give each viewer their own @perViewer fields', async () => {
  const [owner, follower, stranger] = [await registerUser(supergraph, 'root_owner'), await registerUser(supergraph, 'root_follower'), await registerUser(supergraph, 'root_stranger')];
  dataOf(await supergraph.request('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: owner.id }, { token: follower.accessToken }));
  const postId = await createPost(owner, 'liked by the follower');
  dataOf(await likePost(follower, postId));
  const query = `query ($id: ID!, $name: String!) {
    user(id: $id) { username email }
    users(search: $name) { edges { node { id isFollowedByViewer } } }
    popularPosts(first: 100) { id likedByViewer }
  }`;
  type View = { user: { username: string; email: string | null }; users: { edges: Array<{ node: { id: string; isFollowedByViewer: boolean } }> }; popularPosts: Array<{ id: string; likedByViewer: boolean }> };
  const read = async (who?: TestUser) => {
    const view = dataOf(await supergraph.request<View>(query, { id: owner.id, name: owner.username }, { token: who?.accessToken }));
    return { email: view.user.email, follows: view.users.edges.find((edge) => edge.node.id === owner.id)?.node.isFollowedByViewer, liked: view.popularPosts.find((post) => post.id === postId)?.likedByViewer };
  };
  for (let round = 0; round < 5; round += 1) {
    const [asOwner, asFollower, asStranger, asAnonymous] = await Promise.all([read(owner), read(follower), read(stranger), read()]);
    expect(asOwner).toEqual({ email: owner.email, follows: false, liked: false });
    expect(asFollower).toEqual({ email: null, follows: true, liked: true });
    expect(asStranger).toEqual({ email: null, follows: false, liked: false });
    expect(asAnonymous).toEqual(asStranger);
  }
});

test('a post whose author the users subgraph does not have is an error, never a silent null', async () => {
  const postId = randomUUID();
  await sql(supergraph.databaseUrls['posts']!, `INSERT INTO posts (id, author_id, body, updated_at) VALUES ($1, $2, 'orphan', now())`, [postId, randomUUID()]);
  const result = await supergraph.request('query ($id: ID!) { post(id: $id) { id author { username } } }', { id: postId });
  expect(result.data).toEqual({ post: null });
  expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
  await sql(supergraph.databaseUrls['posts']!, 'DELETE FROM posts WHERE id = $1', [postId]);
});

describe('SQL statements per request do not grow with the page size', () => {
  beforeAll(async () => {
    // 120 posts by 8 authors, written straight into the posts database: this is about reads.
    const authors = (await Promise.all(Array.from({ length: 8 }, () => registerUser(supergraph, 'bulk')))).map((user) => user.id);
    const values = Array.from({ length: 120 }, (_, index) => `('${randomUUID()}', '${authors[index % authors.length]}', 'bulk ${index}', now() - interval '${index} seconds', now())`);
    await sql(supergraph.databaseUrls['posts']!, `INSERT INTO posts (id, author_id, body, created_at, updated_at) VALUES ${values.join(', ')}`);
  });

  test.each(['users', 'posts', 'likes'])('in the %s subgraph, publicTimeline(first: 10) and (first: 100) cost the same', async (name) => {
    const viewer = await registerUser(supergraph, 'counter');
    const statements = (first: number): Promise<number> =>
      supergraph.statementsDuring(name, async () => {
        const result = await supergraph.request<{ publicTimeline: { edges: unknown[] } }>(
          'query ($first: Int) { publicTimeline(first: $first) { edges { node { id body author { username } likeCount likedByViewer } } } }',
          { first },
          { token: viewer.accessToken },
        );
        expect(dataOf(result).publicTimeline.edges).toHaveLength(first);
      });
    const small = await statements(10);
    expect(await statements(100)).toBe(small);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(3);
  });
});

test('an event waits in the stream while its consumer is down, and is handled when it is back', async () => {
  const [author, fan] = [await registerUser(supergraph, 'patient'), await registerUser(supergraph, 'patientfan')];
  const postId = await createPost(author);
  dataOf(await likePost(fan, postId));
  await supergraph.subgraphs['likes']!.stop();

  expect(dataOf(await deletePost(author, postId)).deletePost).toBe(true);
  expect(await likeRows(postId)).toBe(1);

  // A restart, on the same port: its consumer group resumes where the stream left it.
  await supergraph.startReplica('likes', { PORT: String(supergraph.subgraphs['likes']!.port) });
  await eventually(async () => (await likeRows(postId)) === 0, 10_000, 'the pending PostDeleted to be handled');
}, 30_000);
