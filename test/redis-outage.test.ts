import { sql } from './support/databases.js';
import { dataOf } from './support/graphql.js';
import { startOwnRedis } from './support/redis.js';
import { startTestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import { eventually } from './support/eventually.js';

test('while Redis is down, writes still succeed and keep their events; when it is back, the events are delivered', async () => {
  const redis = await startOwnRedis();
  // A short subgraph deadline: a write that waited on Redis would fail instead of succeeding.
  const supergraph = await startTestSupergraph({ env: { REDIS_URL: redis.url }, gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '2000' } });
  try {
    const [author, fan] = [await registerUser(supergraph, 'outage'), await registerUser(supergraph, 'outagefan')];
    const request = (query: string, variables: Record<string, unknown>, token: string) => supergraph.request(query, variables, { token }).then(dataOf);
    const liked = (await request('mutation { createPost(body: "liked before") { id } }', {}, author.accessToken)) as { createPost: { id: string } };
    await request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: liked.createPost.id }, fan.accessToken);

    await redis.stop();
    await request('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: author.id }, fan.accessToken);
    await request('mutation { createPost(body: "written while Redis was down") { id } }', {}, author.accessToken);
    expect(await request('mutation ($id: ID!) { deletePost(id: $id) }', { id: liked.createPost.id }, author.accessToken)).toEqual({ deletePost: true });

    // The events wait in the outbox; the like of the deleted post is still there.
    const outbox = async () => Number((await sql<{ n: string }>(supergraph.databaseUrls['posts']!, 'SELECT count(*) AS n FROM outbox_events'))[0]?.n);
    const likesOf = async (postId: string) => Number((await sql<{ n: string }>(supergraph.databaseUrls['likes']!, 'SELECT count(*) AS n FROM likes WHERE post_id = $1', [postId]))[0]?.n);
    expect(await outbox()).toBe(2);
    expect(await likesOf(liked.createPost.id)).toBe(1);

    // Not ready while Redis is down, though alive: a load balancer sends traffic elsewhere.
    const probe = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;
    const postsBase = supergraph.subgraphs['posts']!.url.replace(/\/graphql$/, '');
    const gatewayBase = supergraph.gatewayUrl.replace(/\/graphql$/, '');
    expect(await (await fetch(`${postsBase}/ready`)).json()).toEqual({ status: 'unavailable', problems: ['redis'] });
    expect([await probe(postsBase, '/health'), await probe(gatewayBase, '/ready'), await probe(gatewayBase, '/health')]).toEqual([200, 503, 200]);

    await redis.start();
    await eventually(async () => (await probe(postsBase, '/ready')) === 200 && (await probe(gatewayBase, '/ready')) === 200, 20_000, 'readiness once Redis is back');
    await eventually(async () => (await outbox()) === 0, 20_000, 'the outbox to be relayed');
    await eventually(async () => (await likesOf(liked.createPost.id)) === 0, 20_000, 'likes to handle PostDeleted');
  } finally {
    await supergraph.stop();
    await redis.stop();
  }
}, 60_000);
