import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { loadEmbeddedConfig } from '../embedded/config.js';
import { startEmbedded } from '../embedded/start.js';
import type { RunningSupergraph } from '../embedded/start.js';
import { DEMO_PASSWORD, DEMO_POSTS } from '../contracts/demo.js';
import { projectPath } from '../platform/paths.js';
import { dataOf, errorCodes, graphql } from './support/graphql.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';
import { learningJourney } from './support/courses-flow.js';

// The `npm start` code path (embedded/main.ts does exactly this), on PGlite in a temporary
// data directory, with free ports instead of 4000–4006.
const dataDir = mkdtempSync(join(tmpdir(), 'supergraph-embedded-'));
const config = loadEmbeddedConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' });
let supergraph: RunningSupergraph;

// Every domain's PGlite initialises in this one process, one after another on one core: on a
// busy two-core machine four of them took over a minute; six get three.
beforeAll(async () => {
  supergraph = await startEmbedded(config);
}, 180_000);
afterAll(async () => {
  await supergraph?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('seeds the demo users on first start', async () => {
  const seeded = dataOf(
    await graphql<{ users: { totalCount: number }; userByUsername: { role: string; followersCount: number } }>(
      supergraph.gatewayUrl,
      '{ users { totalCount } userByUsername(username: "ada") { role followersCount } }',
    ),
  );
  expect(seeded).toEqual({ users: { totalCount: 5 }, userByUsername: { role: 'ADMIN', followersCount: 4 } });
});

// ---- courses ----
const loginDemo = async (username: string): Promise<string> =>
  dataOf(await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { accessToken } }', { u: username, p: DEMO_PASSWORD })).login.accessToken;

test('seeds a published course with lessons and a quiz, learners at different progress, and a draft', async () => {
  type Course = { title: string; published: boolean; instructor: { username: string }; enrollmentsCount: number; completionRate: number; lessons: Array<{ position: number; quiz: { questions: unknown[] } | null }> };
  const { popularCourses, courses } = dataOf(
    await graphql<{ popularCourses: Course[]; courses: { edges: Array<{ node: { title: string } }> } }>(
      supergraph.gatewayUrl,
      '{ popularCourses { title published instructor { username } enrollmentsCount completionRate lessons { position quiz { questions { prompt } } } } courses { edges { node { title } } } }',
    ),
  );
  expect(popularCourses).toHaveLength(1);
  expect(popularCourses[0]).toMatchObject({ instructor: { username: 'grace' }, published: true, enrollmentsCount: 3 });
  expect(popularCourses[0]?.completionRate).toBeCloseTo(1 / 3);
  expect(popularCourses[0]?.lessons.map((lesson) => [lesson.position, lesson.quiz?.questions.length ?? 0])).toEqual([[1, 0], [2, 0], [3, 3]]);
  expect(courses.edges).toHaveLength(1);

  const alan = await loginDemo('alan');
  const own = dataOf(await graphql<{ courses: { edges: Array<{ node: { published: boolean } }> } }>(supergraph.gatewayUrl, '{ courses { edges { node { published } } } }', {}, { token: alan })).courses.edges;
  expect(own.map((edge) => edge.node.published).sort()).toEqual([false, true]);
  const progress = dataOf(await graphql<{ me: { enrollments: { edges: Array<{ node: { progress: number; completedAt: string | null } }> } } }>(supergraph.gatewayUrl, '{ me { enrollments { edges { node { progress completedAt } } } } }', {}, { token: alan })).me.enrollments.edges;
  expect(progress).toEqual([{ node: { progress: 1, completedAt: expect.any(String) } }]);

  const analytics = dataOf(
    await graphql<{ courseAnalytics: { atRiskLearners: number; averageQuizScore: number; lessonCompletion: Array<{ completedCount: number }> } }>(
      supergraph.gatewayUrl,
      'query ($id: ID!) { courseAnalytics(courseId: $id) { atRiskLearners averageQuizScore lessonCompletion { completedCount } } }',
      { id: '01930000-0000-7000-8000-000000000001' },
      { token: await loginDemo('grace') },
    ),
  ).courseAnalytics;
  expect(analytics).toMatchObject({ atRiskLearners: 1, lessonCompletion: [{ completedCount: 2 }, { completedCount: 1 }, { completedCount: 1 }] });
  expect(analytics.averageQuizScore).toBeCloseTo(2 / 3);
});

test('an instructor authors a course with a quiz, a learner completes it, the instructor reads analytics, a subscriber sees each step', async () => {
  await learningJourney({
    gatewayUrl: supergraph.gatewayUrl,
    request: (query, variables, token) => graphql(supergraph.gatewayUrl, query, variables, { token }),
    instructor: { token: await loginDemo('katherine'), username: 'katherine' },
    learner: { token: await loginDemo('linus') },
    subscribed: () => eventually(() => supergraph.subgraphs['courses']!.subscriptions.active > 0, 10_000, 'the upstream subscription'),
  });
}, 60_000);

test('Apollo Client can register, log in, read me, follow and refresh tokens through the gateway', async () => {
  let accessToken: string | undefined;
  const auth = new ApolloLink((operation, forward) => {
    if (accessToken) operation.setContext({ headers: { authorization: `Bearer ${accessToken}` } });
    return forward(operation);
  });
  const client = new ApolloClient({ link: auth.concat(new HttpLink({ uri: supergraph.gatewayUrl })), cache: new InMemoryCache() });
  const credentials = gql`
    fragment Credentials on AuthPayload {
      accessToken
      refreshToken
      user { id username }
    }
  `;
  type Credentials = { accessToken: string; refreshToken: string; user: { id: string; username: string } };

  const registered = await client.mutate<{ register: Credentials }>({
    mutation: gql`
      mutation Register($input: RegisterInput!) { register(input: $input) { ...Credentials } }
      ${credentials}
    `,
    variables: { input: { username: 'apollo_fan', email: 'apollo@example.com', password: 'apollo client password' } },
  });
  expect(registered.data?.register.user.username).toBe('apollo_fan');

  const loggedIn = await client.mutate<{ login: Credentials }>({
    mutation: gql`
      mutation Login($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { ...Credentials } }
      ${credentials}
    `,
    variables: { u: 'apollo@example.com', p: 'apollo client password' },
  });
  accessToken = loggedIn.data?.login.accessToken;

  const me = await client.query<{ me: { id: string; username: string; email: string } }>({ query: gql`{ me { id username email } }` });
  expect(me.data?.me).toMatchObject({ username: 'apollo_fan', email: 'apollo@example.com' });

  const ada = await client.query<{ userByUsername: { id: string } }>({ query: gql`{ userByUsername(username: "ada") { id } }` });
  const followed = await client.mutate<{ follow: { username: string; followersCount: number; isFollowedByViewer: boolean } }>({
    mutation: gql`mutation Follow($id: ID!) { follow(userId: $id) { id username followersCount isFollowedByViewer } }`,
    variables: { id: ada.data?.userByUsername.id },
  });
  expect(followed.data?.follow).toMatchObject({ username: 'ada', followersCount: 5, isFollowedByViewer: true });

  const refreshed = await client.mutate<{ refreshToken: Credentials }>({
    mutation: gql`
      mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ...Credentials } }
      ${credentials}
    `,
    variables: { t: loggedIn.data?.login.refreshToken },
  });
  expect(refreshed.data?.refreshToken.refreshToken).not.toBe(loggedIn.data?.login.refreshToken);
  accessToken = refreshed.data?.refreshToken.accessToken;
  const again = await client.query<{ me: { username: string } }>({ query: gql`{ me { username } }`, fetchPolicy: 'network-only' });
  expect(again.data?.me.username).toBe('apollo_fan');
});

test('a live counter works with in-process pub/sub: userStatsChanged follows a follow', async () => {
  const ids = dataOf(
    await graphql<{ ada: { id: string; followersCount: number } }>(supergraph.gatewayUrl, '{ ada: userByUsername(username: "ada") { id followersCount } }'),
  );
  const login = dataOf(
    await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($p: String!) { login(usernameOrEmail: "linus", password: $p) { accessToken } }', {
      p: DEMO_PASSWORD,
    }),
  );
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const events = socket.subscribe<{ userStatsChanged: { followersCount: number; user: { username: string } } }>(
      'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount user { username } } }',
      { id: ids.ada.id },
    );
    // In process, the subscription is live as soon as the subgraph holds it.
    await eventually(() => supergraph.subgraphs['users']!.subscriptions.active > 0, 5_000, 'the upstream subscription');
    dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($id: ID!) { unfollow(userId: $id) { id } }', { id: ids.ada.id }, { token: login.login.accessToken }));
    const event = await events.next();
    expect(event.data?.userStatsChanged.user.username).toBe('ada');
    expect(event.data?.userStatsChanged.followersCount).toBe(ids.ada.followersCount - 1);
  } finally {
    await socket.dispose();
  }
});

test('a timeline from three subgraphs in one query, and postLikesChanged on in-process pub/sub', async () => {
  const token = dataOf(
    await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($p: String!) { login(usernameOrEmail: "katherine", password: $p) { accessToken } }', {
      p: DEMO_PASSWORD,
    }),
  ).login.accessToken;
  type Timeline = { publicTimeline: { edges: Array<{ node: { id: string; body: string; author: { username: string }; likeCount: number; likedByViewer: boolean } }> } };
  const timeline = dataOf(
    await graphql<Timeline>(supergraph.gatewayUrl, '{ publicTimeline(first: 8) { edges { node { id body author { username } likeCount likedByViewer } } } }', {}, { token }),
  ).publicTimeline.edges.map((edge) => edge.node);
  expect(timeline).toHaveLength(8);
  expect(timeline[0]).toMatchObject({ author: { username: 'alan' }, likeCount: 1, likedByViewer: true });
  expect(timeline.at(-1)).toMatchObject({ author: { username: 'ada' }, likeCount: 4, likedByViewer: true });

  const target = timeline.find((post) => !post.likedByViewer)!;
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const events = socket.subscribe<{ postLikesChanged: { likeCount: number; post: { author: { username: string } } } }>(
      'subscription ($id: ID!) { postLikesChanged(postId: $id) { likeCount post { author { username } } } }',
      { id: target.id },
    );
    await eventually(() => supergraph.subgraphs['likes']!.subscriptions.active > 0, 5_000, 'the upstream subscription');
    dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: target.id }, { token }));
    expect(await events.next()).toEqual({ data: { postLikesChanged: { likeCount: target.likeCount + 1, post: { author: { username: target.author.username } } } } });
  } finally {
    await socket.dispose();
  }
});

test('polls: seeds demo polls with votes, one on a demo post', async () => {
  type Node = { question: string; totalVotes: number; isClosed: boolean; author: { username: string }; post: { id: string } | null; options: Array<{ votes: number; percentage: number }> };
  const polls = dataOf(await graphql<{ polls: { edges: Array<{ node: Node }> } }>(supergraph.gatewayUrl, '{ polls { edges { node { question totalVotes isClosed author { username } post { id } options { votes percentage } } } } }'))
    .polls.edges.map((edge) => edge.node);
  expect(polls.length).toBeGreaterThanOrEqual(3);
  expect(polls.every((poll) => poll.totalVotes > 0 && poll.totalVotes === poll.options.reduce((sum, option) => sum + option.votes, 0))).toBe(true);
  expect(polls.filter((poll) => poll.post !== null).map((poll) => poll.post?.id)).toEqual([DEMO_POSTS[0].id]);
  expect(polls.some((poll) => poll.isClosed)).toBe(true);
  const onPost = dataOf(await graphql<{ post: { poll: { author: { username: string } } } }>(supergraph.gatewayUrl, 'query ($id: ID!) { post(id: $id) { poll { author { username } } } }', { id: DEMO_POSTS[0].id }));
  expect(onPost.post.poll.author.username).toBe('ada');
});

test('polls: a poll on a new post, votes from several accounts, each seen live with the author\'s username', async () => {
  const grace = await loginDemo('grace');
  const postId = dataOf(await graphql<{ createPost: { id: string } }>(supergraph.gatewayUrl, 'mutation { createPost(body: "Which language first?") { id } }', {}, { token: grace })).createPost.id;
  const poll = dataOf(
    await graphql<{ createPoll: { id: string; options: Array<{ id: string }> } }>(
      supergraph.gatewayUrl,
      'mutation ($input: CreatePollInput!) { createPoll(input: $input) { id options { id } } }',
      { input: { question: 'Which language first?', options: ['COBOL', 'Fortran'], postId } },
      { token: grace },
    ),
  ).createPoll;
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const events = socket.subscribe<{ pollResultsChanged: { totalVotes: number; author: { username: string }; post: { body: string } } }>(
      'subscription ($id: ID!) { pollResultsChanged(pollId: $id) { totalVotes author { username } post { body } } }',
      { id: poll.id },
    );
    await eventually(() => supergraph.subgraphs['polls']!.subscriptions.active > 0, 5_000, 'the upstream subscription');
    for (const [index, username] of ['ada', 'alan', 'linus'].entries()) {
      dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { id } }', { p: poll.id, o: poll.options[index % 2]!.id }, { token: await loginDemo(username) }));
      expect(await events.next(10_000)).toEqual({ data: { pollResultsChanged: { totalVotes: index + 1, author: { username: 'grace' }, post: { body: 'Which language first?' } } } });
    }
  } finally {
    await socket.dispose();
  }
});

test('short links: the demo links are seeded, a new link redirects and its click reaches a linkStatsChanged subscriber', async () => {
  const demo = dataOf(await graphql<{ link: { clicks: number; owner: { username: string } } }>(supergraph.gatewayUrl, '{ link(code: "federation") { clicks owner { username } } }'));
  expect(demo.link).toEqual({ clicks: 216, owner: { username: 'ada' } });
  const token = await loginDemo('alan');
  const { createLink } = dataOf(
    await graphql<{ createLink: { code: string } }>(supergraph.gatewayUrl, 'mutation { createLink(input: { url: "https://example.com/enigma" }) { code } }', {}, { token }),
  );
  const socket = openSocket(supergraph.gatewayUrl);
  try {
    const events = socket.subscribe<{ linkStatsChanged: { clicks: number; link: { owner: { username: string } } } }>(
      'subscription ($code: String!) { linkStatsChanged(code: $code) { clicks link { owner { username } } } }',
      { code: createLink.code },
    );
    await eventually(() => supergraph.subgraphs['links']!.subscriptions.active > 0, 5_000, 'the upstream subscription');
    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' };
    const redirect = await fetch(new URL(`/s/${createLink.code}`, supergraph.gatewayUrl), { redirect: 'manual', headers: browser });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://example.com/enigma');
    expect(await events.next(10_000)).toEqual({ data: { linkStatsChanged: { clicks: 1, link: { owner: { username: 'alan' } } } } });
  } finally {
    await socket.dispose();
  }
});

test('the demo admin promotes a user, deletes someone\'s post and link, reads each in auditLog, and platformStats matches the data', async () => {
  const request = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => graphql<T>(supergraph.gatewayUrl, query, variables, { token });
  const [ada, grace] = [await loginDemo('ada'), await loginDemo('grace')];
  const newcomer = dataOf(
    await request<{ register: { user: { id: string } } }>('mutation { register(input: { username: "moderator_mo", email: "mo@example.com", password: "moderation matters" }) { user { id } } }'),
  ).register.user.id;
  expect(dataOf(await request<{ setUserRole: { role: string } }>('mutation ($id: ID!) { setUserRole(userId: $id, role: ADMIN) { role } }', { id: newcomer }, ada)).setUserRole.role).toBe('ADMIN');
  const post = dataOf(await request<{ createPost: { id: string } }>('mutation { createPost(body: "Off topic, surely") { id } }', {}, grace)).createPost.id;
  expect(dataOf(await request<{ deletePost: boolean }>('mutation ($id: ID!) { deletePost(id: $id) }', { id: post }, ada)).deletePost).toBe(true);
  // Grace's demo link, with its three days of clicks.
  const link = dataOf(await request<{ link: { id: string } }>('{ link(code: "cobol") { id } }')).link.id;
  expect(dataOf(await request<{ deleteLink: boolean }>('mutation { deleteLink(code: "cobol") }', {}, ada)).deleteLink).toBe(true);

  type Entry = { action: string; subjectId: string; actor: { username: string } | null };
  let entries: Entry[] = [];
  await eventually(async () => {
    entries = dataOf(await request<{ auditLog: { edges: Array<{ node: Entry }> } }>('{ auditLog(first: 10) { edges { node { action subjectId actor { username } } } } }', {}, ada)).auditLog.edges.map((edge) => edge.node);
    return [post, link].every((subject) => entries.some((entry) => entry.subjectId === subject));
  }, 10_000, 'the deletions in the audit log');
  expect(entries.slice(0, 3)).toEqual([
    { action: 'LINK_DELETED_BY_ADMIN', subjectId: link, actor: { username: 'ada' } },
    { action: 'POST_DELETED_BY_ADMIN', subjectId: post, actor: { username: 'ada' } },
    { action: 'ROLE_CHANGED', subjectId: newcomer, actor: { username: 'ada' } },
  ]);

  // The data, read through the API (the PGlite databases serve one session: their subgraph's).
  type Page<N> = { edges: Array<{ node: N }>; pageInfo: { hasNextPage: boolean } };
  const data = dataOf(
    await request<{
      users: Page<{ coursesTaught: Page<{ enrollmentsCount: number }> }> & { totalCount: number };
      publicTimeline: Page<{ likeCount: number }>;
      polls: Page<{ totalVotes: number }>;
    }>(
      '{ users(first: 100) { totalCount edges { node { coursesTaught(first: 100) { edges { node { enrollmentsCount } } pageInfo { hasNextPage } } } } pageInfo { hasNextPage } } publicTimeline(first: 100) { edges { node { likeCount } } pageInfo { hasNextPage } } polls(first: 100) { edges { node { totalVotes } } pageInfo { hasNextPage } } }',
      {},
      ada,
    ),
  );
  // An admin sees everyone's links (deleted ones are no longer listed, nor counted). A request
  // of its own: with the rest it could return more nodes than the gateway allows.
  const linkPages = dataOf(
    await request<{ users: Page<{ links: Page<{ clicks: number }> }> }>('{ users(first: 100) { edges { node { links(first: 100) { edges { node { clicks } } pageInfo { hasNextPage } } } } } }', {}, ada),
  ).users.edges.map((edge) => edge.node.links);
  const coursePages = data.users.edges.map((edge) => edge.node.coursesTaught);
  expect([data.users, data.publicTimeline, data.polls, ...coursePages, ...linkPages].some((page) => page.pageInfo.hasNextPage)).toBe(false);
  const courses = coursePages.flatMap((page) => page.edges.map((course) => course.node));
  const links = linkPages.flatMap((page) => page.edges.map((each) => each.node));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const stats = dataOf(await request<{ platformStats: Record<string, number> }>('{ platformStats { users posts likes polls votes links clicks courses enrollments } }', {}, ada)).platformStats;
  expect(stats).toEqual({
    users: data.users.totalCount,
    posts: data.publicTimeline.edges.length,
    likes: sum(data.publicTimeline.edges.map((edge) => edge.node.likeCount)),
    polls: data.polls.edges.length,
    votes: sum(data.polls.edges.map((edge) => edge.node.totalVotes)),
    links: links.length,
    clicks: sum(links.map((each) => each.clicks)),
    courses: courses.length,
    enrollments: sum(courses.map((course) => course.enrollmentsCount)),
  });
  expect(errorCodes(await request('{ platformStats { users } }', {}, grace))).toEqual(['FORBIDDEN']);
}, 60_000);

test('keeps its data and its signing key across a restart, without seeding again', async () => {
  const login = dataOf(
    await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($p: String!) { login(usernameOrEmail: "grace", password: $p) { accessToken } }', {
      p: DEMO_PASSWORD,
    }),
  );
  dataOf(await graphql(supergraph.gatewayUrl, 'mutation { updateProfile(input: { bio: "Kept across restarts" }) { id } }', {}, { token: login.login.accessToken }));
  const users = dataOf(await graphql<{ users: { totalCount: number } }>(supergraph.gatewayUrl, '{ users { totalCount } }')).users.totalCount;
  await supergraph.stop();
  expect(statSync(join(dataDir, 'jwt-signing-key.pem')).mode & 0o077).toBe(0);
  expect(existsSync(join(dataDir, 'users'))).toBe(true);

  supergraph = await startEmbedded(config);
  const after = dataOf(
    await graphql<{ users: { totalCount: number }; userByUsername: { bio: string } }>(supergraph.gatewayUrl, '{ users { totalCount } userByUsername(username: "grace") { bio } }'),
  );
  expect(after).toEqual({ users: { totalCount: users }, userByUsername: { bio: 'Kept across restarts' } });
  // A token issued before the restart still verifies: the key was kept.
  expect(dataOf(await graphql<{ me: { username: string } }>(supergraph.gatewayUrl, '{ me { username } }', {}, { token: login.login.accessToken })).me.username).toBe('grace');
}, 180_000);

test('npm start prints its URLs and stops cleanly on Ctrl-C (SIGINT), exit code 0', async () => {
  const otherDir = mkdtempSync(join(tmpdir(), 'supergraph-sigint-'));
  // tsx as a loader, not its CLI: the CLI relays SIGINT and exits 130 itself when the child is slow to answer.
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('embedded/main.ts')], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', DATA_DIR: otherDir, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Press Ctrl-C to stop.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    expect(output).toMatch(/gateway\s+http:\/\/localhost:\d+\/graphql/);
    expect(output).toMatch(/users subgraph\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
    rmSync(otherDir, { recursive: true, force: true });
  }
}, 180_000);
