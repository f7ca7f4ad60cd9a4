import { dataOf } from './support/graphql.js';
import { channelSubscribers, startOwnRedis } from './support/redis.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';

const STATS = 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount user { username } } }';
type Stats = { userStatsChanged: { followersCount: number; user: { username: string } } };

const follow = (supergraph: TestSupergraph, who: TestUser, userId: string, verb = 'follow') =>
  supergraph.request(`mutation ($id: ID!) { ${verb}(userId: $id) { id } }`, { id: userId }, { token: who.accessToken }).then(dataOf);

test('when a subgraph restarts, the gateway subscribes again and clients keep their subscriptions', async () => {
  const supergraph = await startTestSupergraph();
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const [fan, star] = [await registerUser(supergraph, 'rfan'), await registerUser(supergraph, 'rstar')];
    const events = socket.subscribe<Stats>(STATS, { id: star.id });
    const users = supergraph.subgraphs['users']!;
    await eventually(() => users.subscriptions.active === 1, 5_000, 'the upstream subscription');

    await users.stop();
    const restarted = await supergraph.startReplica('users', { PORT: String(users.port) });
    await eventually(() => restarted.subscriptions.active === 1, 10_000, 'the gateway to subscribe again');
    await eventually(async () => (await channelSubscribers(supergraph.channel(`userStatsChanged:${star.id}`))) > 0, 5_000, 'Redis');

    await follow(supergraph, fan, star.id);
    expect(await events.next()).toEqual({ data: { userStatsChanged: { followersCount: 1, user: { username: star.username } } } });
    expect(socket.isOpen()).toBe(true);
  } finally {
    await socket.dispose();
    await supergraph.stop();
  }
}, 90_000);

test('when Redis restarts, delivery resumes', async () => {
  const redis = await startOwnRedis();
  const supergraph = await startTestSupergraph({ env: { REDIS_URL: redis.url } });
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const [fan, star] = [await registerUser(supergraph, 'redfan'), await registerUser(supergraph, 'redstar')];
    const events = socket.subscribe<Stats>(STATS, { id: star.id });
    const channel = supergraph.channel(`userStatsChanged:${star.id}`);
    await eventually(async () => (await channelSubscribers(channel, redis.url)) > 0, 5_000, 'the Redis subscription');
    await follow(supergraph, fan, star.id);
    expect((await events.next()).data?.userStatsChanged.followersCount).toBe(1);

    await redis.stop();
    await redis.start();
    await eventually(async () => (await channelSubscribers(channel, redis.url)) > 0, 15_000, 'the subgraph to subscribe to Redis again');

    await follow(supergraph, fan, star.id, 'unfollow');
    expect((await events.next(10_000)).data?.userStatsChanged.followersCount).toBe(0);
    expect(socket.isOpen()).toBe(true);
  } finally {
    await socket.dispose();
    await supergraph.stop();
    await redis.stop();
  }
}, 90_000);

test('with Redis, an event published by one replica reaches subscribers connected through another', async () => {
  const supergraph = await startTestSupergraph();
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const [fan, star] = [await registerUser(supergraph, 'repfan'), await registerUser(supergraph, 'repstar')];
    const other = await supergraph.startReplica('users');
    const events = socket.subscribe<Stats>(STATS, { id: star.id });
    const subscribed = supergraph.subgraphs['users']!;
    await eventually(() => subscribed.subscriptions.active === 1, 5_000, 'the upstream subscription');
    await eventually(async () => (await channelSubscribers(supergraph.channel(`userStatsChanged:${star.id}`))) > 0, 5_000, 'Redis');

    // The follow goes straight to the other replica, which the gateway does not route to.
    const response = await fetch(other.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fan.accessToken}` },
      body: JSON.stringify({ query: 'mutation ($id: ID!) { follow(userId: $id) { id } }', variables: { id: star.id } }),
    });
    expect(response.status).toBe(200);
    expect(await events.next()).toEqual({ data: { userStatsChanged: { followersCount: 1, user: { username: star.username } } } });
    expect(other.subscriptions.opened).toBe(0);
  } finally {
    await socket.dispose();
    await supergraph.stop();
  }
}, 90_000);
