import { Redis } from 'ioredis';
import pg from 'pg';
import { startBadgesSubgraph } from './support/badges-subgraph.js';
import type { BadgesSubgraph } from './support/badges-subgraph.js';
import { TEST_REDIS_URL } from './support/env.js';
import { dataOf } from './support/graphql.js';
import { channelSubscribers } from './support/redis.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { mintAccessToken } from './support/tokens.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';
import type { TestSocket } from './support/ws.js';

const STATS = 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount followingCount user { username } } }';
const WITH_BADGE = 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount user { username badge } } }';

let supergraph: TestSupergraph;
let badges: BadgesSubgraph;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  badges = await startBadgesSubgraph();
  supergraph = await startTestSupergraph({ extraSubgraphs: [badges.entry] });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await supergraph.stop();
  await badges.stop();
});

const socket = (token?: string): TestSocket => {
  const opened = openSocket(supergraph.gatewayUrl, { token });
  sockets.push(opened);
  return opened;
};
const users = () => supergraph.subgraphs['users']!;
const follow = (who: TestUser, userId: string, verb: 'follow' | 'unfollow' = 'follow') =>
  supergraph.request(`mutation ($id: ID!) { ${verb}(userId: $id) { id } }`, { id: userId }, { token: who.accessToken }).then(dataOf);
/** Resolves once the users subgraph listens for this user's events in Redis. */
const listening = (userId: string) =>
  eventually(async () => (await channelSubscribers(supergraph.channel(`userStatsChanged:${userId}`))) > 0, 5_000, 'the upstream subscription');

describe('userStatsChanged through the gateway', () => {
  test('a follow and an unfollow each reach the subscriber, with the username from the same event', async () => {
    const [fan, star] = [await registerUser(supergraph, 'fan'), await registerUser(supergraph, 'star')];
    const events = socket().subscribe(STATS, { id: star.id });
    await listening(star.id);
    await follow(fan, star.id);
    expect(await events.next()).toEqual({ data: { userStatsChanged: { followersCount: 1, followingCount: 0, user: { username: star.username } } } });
    await follow(fan, star.id, 'unfollow');
    expect(await events.next()).toEqual({ data: { userStatsChanged: { followersCount: 0, followingCount: 0, user: { username: star.username } } } });
    events.unsubscribe();
  });

  test('each event is resolved afresh: a profile change between events shows in the next one', async () => {
    const [fan, star] = [await registerUser(supergraph, 'fresh'), await registerUser(supergraph, 'renamed')];
    const events = socket().subscribe<{ userStatsChanged: { user: { displayName: string | null } } }>(
      'subscription ($id: ID!) { userStatsChanged(userId: $id) { user { displayName } } }',
      { id: star.id },
    );
    await listening(star.id);
    await follow(fan, star.id);
    expect((await events.next()).data?.userStatsChanged.user.displayName).toBeNull();
    await supergraph.request('mutation { updateProfile(input: { displayName: "New Name" }) { id } }', {}, { token: star.accessToken });
    await follow(fan, star.id, 'unfollow');
    expect((await events.next()).data?.userStatsChanged.user.displayName).toBe('New Name');
    events.unsubscribe();
  });

  test('an event is published only after the follow it reports has committed', async () => {
    const star = await registerUser(supergraph, 'committed');
    const fans = await Promise.all(Array.from({ length: 8 }, () => registerUser(supergraph, 'committer')));
    const db = new pg.Client({ connectionString: supergraph.databaseUrls['users'] });
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await Promise.all([db.connect(), redis.connect()]);
    const visibleAtArrival: number[] = [];
    try {
      await redis.subscribe(supergraph.channel(`userStatsChanged:${star.id}`));
      redis.on('message', () => {
        // Asked the moment the event arrives: the follow it reports must already be visible.
        void db.query('SELECT count(*)::int AS n FROM follows WHERE followee_id = $1', [star.id]).then(({ rows }) => visibleAtArrival.push(rows[0].n as number));
      });
      for (const fan of fans) await follow(fan, star.id);
      await eventually(() => visibleAtArrival.length === fans.length, 5_000, 'every event');
      // Events arrive in the order they were published: by the i-th, i follows had committed.
      visibleAtArrival.forEach((visible, index) => expect(visible).toBeGreaterThanOrEqual(index + 1));
    } finally {
      redis.disconnect();
      await db.end();
    }
  });
});

describe('authentication of sockets', () => {
  test('a socket with an invalid token is refused at connection', async () => {
    expect(await socket('not-a-token').closed).toMatchObject({ code: 4403 });
  });

  test('a socket is closed when its access token expires', async () => {
    const user = await registerUser(supergraph, 'expiring');
    const shortLived = await mintAccessToken(supergraph.signingKeyPem, { sub: user.id, role: 'USER', exp: Math.floor(Date.now() / 1000) + 2 });
    const expiring = socket(shortLived);
    expiring.subscribe('subscription { viewerStatsChanged { followersCount } }');
    expect(await expiring.closed).toMatchObject({ code: 4403, reason: 'Forbidden: access token expired' });
  });

  test('a subscription that needs a user refuses anonymous sockets with UNAUTHENTICATED', async () => {
    const result = await socket().subscribe('subscription { viewerStatsChanged { followersCount } }').next();
    expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
  });

  test('a signed-in socket gets its own counts: the token reached the subgraph', async () => {
    const [fan, star] = [await registerUser(supergraph, 'ownfan'), await registerUser(supergraph, 'ownstar')];
    const events = socket(star.accessToken).subscribe('subscription { viewerStatsChanged { followersCount user { id } } }');
    await listening(star.id);
    await follow(fan, star.id);
    expect(await events.next()).toEqual({ data: { viewerStatsChanged: { followersCount: 1, user: { id: star.id } } } });
    events.unsubscribe();
  });
});

describe('validation and limits over WebSocket', () => {
  test.each([
    ['an oversized page', 'subscription ($id: ID!) { userStatsChanged(userId: $id) { user { followers(first: 500) { totalCount } } } }', { id: '01900000-0000-7000-8000-000000000001' }],
    ['an oversized page in a variable', 'subscription ($id: ID!, $n: Int) { userStatsChanged(userId: $id) { user { followers(first: $n) { totalCount } } } }', { id: '01900000-0000-7000-8000-000000000001', n: 101 }],
    ['a syntax error', 'subscription { userStatsChanged(userId: ) }', {}],
    ['an unknown field', 'subscription { nothingHere }', {}],
    ['a variable of the wrong type', 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount } }', { id: { not: 'an id' } }],
  ])('%s is refused with BAD_USER_INPUT before anything is subscribed upstream', async (_label, query, variables) => {
    const opened = users().subscriptions.opened;
    const result = await socket().subscribe(query, variables).next();
    expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    expect(users().subscriptions.opened).toBe(opened);
  });

  test('queries and mutations work over the socket too, as the signed-in user', async () => {
    const [fan, star] = [await registerUser(supergraph, 'wsfan'), await registerUser(supergraph, 'wsstar')];
    const ws = socket(fan.accessToken);
    const followed = await ws.subscribe<{ follow: { followersCount: number } }>('mutation ($id: ID!) { follow(userId: $id) { followersCount } }', { id: star.id }).next();
    expect(followed).toEqual({ data: { follow: { followersCount: 1 } } });
    expect(await ws.subscribe('{ me { username } }').next()).toEqual({ data: { me: { username: fan.username } } });
  });
});

describe('sharing', () => {
  test('identical subscriptions share one upstream subscription and one rest-of-plan execution per event', async () => {
    const [fan, star] = [await registerUser(supergraph, 'sharefan'), await registerUser(supergraph, 'sharestar')];
    const viewers = await Promise.all(Array.from({ length: 5 }, () => registerUser(supergraph, 'viewer')));
    const opened = users().subscriptions.opened;
    const executions = supergraph.gateway.subscriptionStats().eventExecutions;
    // Anonymous and signed-in clients alike: nothing selected depends on the viewer.
    const subscriptions = [...Array.from({ length: 15 }, () => socket()), ...viewers.map((viewer) => socket(viewer.accessToken))].map((client) =>
      client.subscribe<{ userStatsChanged: { followersCount: number; user: { username: string; badge: string } } }>(WITH_BADGE, { id: star.id }),
    );
    await eventually(() => supergraph.gateway.subscriptionStats().subscribers >= 20, 5_000, 'every client');
    await listening(star.id);
    expect(users().subscriptions.opened - opened).toBe(1);

    const fetches = badges.fetches;
    await follow(fan, star.id);
    const events = await Promise.all(subscriptions.map((subscription) => subscription.next()));
    const expected = { data: { userStatsChanged: { followersCount: 1, user: { username: star.username, badge: `badge-${star.id.slice(-4)}` } } } };
    expect(events).toEqual(subscriptions.map(() => expected));
    expect(badges.fetches - fetches).toBe(1);
    expect(supergraph.gateway.subscriptionStats().eventExecutions - executions).toBe(1);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  test('a subscription selecting a per-viewer field is not shared between viewers, and each sees their own', async () => {
    const [fan, other, star] = [await registerUser(supergraph, 'pvfan'), await registerUser(supergraph, 'pvother'), await registerUser(supergraph, 'pvstar')];
    const query = 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount user { isFollowedByViewer } } }';
    const opened = users().subscriptions.opened;
    const fanEvents = socket(fan.accessToken).subscribe<{ userStatsChanged: { user: { isFollowedByViewer: boolean } } }>(query, { id: star.id });
    const otherEvents = socket(other.accessToken).subscribe<{ userStatsChanged: { user: { isFollowedByViewer: boolean } } }>(query, { id: star.id });
    await eventually(() => users().subscriptions.opened - opened === 2, 5_000, 'one upstream subscription per viewer');
    await listening(star.id);
    await follow(fan, star.id);
    expect((await fanEvents.next()).data?.userStatsChanged.user.isFollowedByViewer).toBe(true);
    expect((await otherEvents.next()).data?.userStatsChanged.user.isFollowedByViewer).toBe(false);
    fanEvents.unsubscribe();
    otherEvents.unsubscribe();
  });

  test('when the last client leaves, the upstream subscription is closed', async () => {
    const star = await registerUser(supergraph, 'leaving');
    const active = users().subscriptions.active;
    const subscriptions = [socket(), socket(), socket()].map((client) => client.subscribe(STATS, { id: star.id }));
    await eventually(() => users().subscriptions.active === active + 1, 5_000, 'the upstream subscription');
    const clients = supergraph.gateway.subscriptionStats().subscribers;
    subscriptions[0]!.unsubscribe();
    subscriptions[1]!.unsubscribe();
    await eventually(() => supergraph.gateway.subscriptionStats().subscribers === clients - 2, 5_000, 'the gateway to drop two clients');
    expect(users().subscriptions.active).toBe(active + 1);
    subscriptions[2]!.unsubscribe();
    await eventually(() => users().subscriptions.active === active, 5_000, 'the upstream subscription to close');
    await eventually(async () => (await channelSubscribers(supergraph.channel(`userStatsChanged:${star.id}`))) === 0, 5_000, 'Redis to be unsubscribed');
  });
});

test('an error while resolving the rest of the plan reaches the client as an error on that event, and the subscription goes on', async () => {
  const [fan, star] = [await registerUser(supergraph, 'errfan'), await registerUser(supergraph, 'errstar')];
  const client = socket();
  const events = client.subscribe<{ userStatsChanged: { followersCount: number; user: { badge: string } } }>(WITH_BADGE, { id: star.id });
  await listening(star.id);
  badges.failing = true;
  try {
    await follow(fan, star.id);
    const failed = await events.next();
    expect(failed.errors?.map((error) => [error.message, error.extensions?.['code']])).toEqual([['The badge could not be made.', 'INTERNAL_SERVER_ERROR']]);
  } finally {
    badges.failing = false;
  }
  await follow(fan, star.id, 'unfollow');
  expect((await events.next()).data?.userStatsChanged).toEqual({ followersCount: 0, user: { username: star.username, badge: `badge-${star.id.slice(-4)}` } });
  expect(client.isOpen()).toBe(true);
  events.unsubscribe();
});
