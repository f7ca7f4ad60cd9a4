import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { auditRecorded } from '../contracts/audit-events.js';
import { ENTITY_CHANGED_CHANNEL } from '../contracts/entity-changes.js';
import type { EntitiesChanged } from '../contracts/entity-changes.js';
import { redisEventBus } from '../platform/messaging/redis-streams.js';
import { createLogger } from '../platform/observability/logger.js';
import { projectPath } from '../platform/paths.js';
import { sql } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { eventually } from './support/eventually.js';
import { dataOf, errorCodes } from './support/graphql.js';
import type { GraphQLResult } from './support/graphql.js';
import { BROWSER, createLinkBy } from './support/links.js';
import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { makeAdmin, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

let supergraph: TestSupergraph;
let admin: TestUser;
let adminToken: string;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
  admin = await registerUser(supergraph, 'admin');
  adminToken = await makeAdmin(supergraph, admin);
}, 60_000);
afterAll(() => supergraph.stop());

interface Entry {
  id: string;
  at: string;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: string | null;
  actor: { id: string; username: string } | null;
}
type AuditPage = { auditLog: { edges: Array<{ cursor: string; node: Entry }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const AUDIT_LOG = `query ($first: Int, $after: String) {
  auditLog(first: $first, after: $after) { edges { cursor node { id at action subjectType subjectId detail actor { id username } } } pageInfo { hasNextPage endCursor } }
}`;
const auditLog = (token: string | undefined, variables: { first?: number; after?: string } = { first: 100 }): Promise<GraphQLResult<AuditPage>> =>
  supergraph.request<AuditPage>(AUDIT_LOG, variables, { token });
/** The entries about one subject, newest first (the log is shared by every test here). */
const entriesAbout = async (subjectId: string): Promise<Entry[]> =>
  dataOf(await auditLog(adminToken)).auditLog.edges.map((edge) => edge.node).filter((entry) => entry.subjectId === subjectId);
/** Waits for another domain's entries, which arrive as events. */
const eventuallyEntries = async (subjectId: string, count: number): Promise<Entry[]> => {
  let entries: Entry[] = [];
  await eventually(async () => (entries = await entriesAbout(subjectId)).length >= count, 15_000, `${count} audit entries about ${subjectId}`);
  return entries;
};

const SET_ROLE = 'mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id username role } }';
const setRole = (token: string | undefined, id: string, role: 'USER' | 'ADMIN') =>
  supergraph.request<{ setUserRole: { id: string; role: string } }>(SET_ROLE, { id, role }, { token });
const refreshed = async (user: TestUser): Promise<TestUser> => {
  const { refreshToken } = dataOf(
    await supergraph.request<{ refreshToken: { accessToken: string; refreshToken: string } }>('mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }', { t: user.refreshToken }),
  );
  return { ...user, ...refreshToken };
};
const createPost = (who: TestUser, body: string): Promise<string> => createPostBy(supergraph, who, body);
const deletePost = (token: string, id: string) => supergraph.request<{ deletePost: boolean }>('mutation ($id: ID!) { deletePost(id: $id) }', { id }, { token });
const createPoll = async (who: TestUser, question: string): Promise<{ id: string; options: Array<{ id: string }> }> =>
  dataOf(
    await supergraph.request<{ createPoll: { id: string; options: Array<{ id: string }> } }>(
      'mutation ($input: CreatePollInput!) { createPoll(input: $input) { id options { id } } }',
      { input: { question, options: ['Yes', 'No'] } },
      { token: who.accessToken },
    ),
  ).createPoll;
const closePoll = (token: string, id: string) => supergraph.request<{ closePoll: { isClosed: boolean } }>('mutation ($id: ID!) { closePoll(pollId: $id) { isClosed } }', { id }, { token });
const createLink = (who: TestUser | string, url: string) => createLinkBy(supergraph, who, url);
const deleteLink = (token: string, code: string) => supergraph.request<{ deleteLink: boolean }>('mutation ($code: String!) { deleteLink(code: $code) }', { code }, { token });
/** A browser's visit to the public redirect: counted (bots and HEAD are not). */
const visit = (code: string, visitor: number) =>
  fetch(new URL(`/s/${code}`, supergraph.gatewayUrl), {
    redirect: 'manual',
    headers: { 'user-agent': `${BROWSER} visitor/${visitor}` },
  });

const STATS = '{ platformStats { users posts likes polls votes links clicks courses enrollments } }';
type Stats = Record<'users' | 'posts' | 'likes' | 'polls' | 'votes' | 'links' | 'clicks' | 'courses' | 'enrollments', number>;
/** What each database holds, counted row by row: what platformStats must equal. */
async function countedRows(): Promise<Stats> {
  const count = async (domain: string, table: string, what = 'count(*)') => Number((await sql<{ n: string }>(supergraph.databaseUrls[domain]!, `SELECT ${what} AS n FROM ${table}`))[0]?.n);
  return {
    users: await count('users', 'users'),
    posts: await count('posts', 'posts'),
    likes: await count('likes', 'likes'),
    polls: await count('polls', 'polls'),
    votes: await count('polls', 'votes'),
    // Deleted links keep their row (their code is never reissued) but are no longer links.
    links: await count('links', 'links WHERE deleted_at IS NULL'),
    clicks: await count('links', 'links WHERE deleted_at IS NULL', 'coalesce(sum(clicks), 0)'),
    courses: await count('courses', 'courses'),
    enrollments: await count('courses', 'enrollments'),
  };
}

describe('permissions', () => {
  test('anonymous callers are UNAUTHENTICATED and users FORBIDDEN, for every admin operation', async () => {
    const user = await registerUser(supergraph, 'plain');
    for (const token of [undefined, user.accessToken]) {
      const expected = token ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      expect(errorCodes(await supergraph.request(STATS, {}, { token }))).toEqual([expected]);
      expect(errorCodes(await auditLog(token))).toEqual([expected]);
      expect(errorCodes(await setRole(token, user.id, 'ADMIN'))).toEqual([expected]);
    }
    expect((await sql<{ role: string }>(supergraph.databaseUrls['users']!, 'SELECT role FROM users WHERE id = $1', [user.id]))[0]?.role).toBe('USER');
  });

  test('an admin cannot demote themself; unknown and malformed users are refused', async () => {
    const self = await setRole(adminToken, admin.id, 'USER');
    expect(self.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([['BAD_USER_INPUT', 'role']]);
    expect(errorCodes(await setRole(adminToken, randomUUID(), 'ADMIN'))).toEqual(['NOT_FOUND']);
    const malformed = await setRole(adminToken, 'nope', 'ADMIN');
    expect(malformed.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([['BAD_USER_INPUT', 'userId']]);
    // Promoting oneself is no change.
    expect(dataOf(await setRole(adminToken, admin.id, 'ADMIN')).setUserRole.role).toBe('ADMIN');
    expect(await entriesAbout(admin.id)).toEqual([]);
  });

  test('auditLog pages hold at most 100 entries, and a bad cursor is BAD_USER_INPUT', async () => {
    expect(errorCodes(await auditLog(adminToken, { first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await auditLog(adminToken, { first: 5, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('setUserRole', () => {
  test('a promotion shows in the next access token, is audited, and the new admin may demote the old one', async () => {
    let user = await registerUser(supergraph, 'promoted');
    expect(dataOf(await setRole(adminToken, user.id, 'ADMIN')).setUserRole).toEqual({ id: user.id, username: user.username, role: 'ADMIN' });
    // The token issued before still says USER: roles travel in tokens.
    expect(errorCodes(await auditLog(user.accessToken))).toEqual(['FORBIDDEN']);
    user = await refreshed(user);
    const [entry] = await entriesAbout(user.id);
    expect(entry).toMatchObject({ action: 'ROLE_CHANGED', subjectType: 'User', subjectId: user.id, detail: 'USER → ADMIN', actor: { id: admin.id, username: admin.username } });
    expect(dataOf(await auditLog(user.accessToken)).auditLog.edges.length).toBeGreaterThan(0);

    // Demoted, the other admin's token still says ADMIN, but the database has the last word.
    const other = await registerUser(supergraph, 'other_admin');
    const otherToken = await makeAdmin(supergraph, other);
    expect(dataOf(await setRole(user.accessToken, other.id, 'USER')).setUserRole.role).toBe('USER');
    expect(errorCodes(await setRole(otherToken, user.id, 'USER'))).toEqual(['FORBIDDEN']);
    expect((await entriesAbout(other.id)).map((each) => [each.action, each.detail, each.actor?.id])).toEqual([['ROLE_CHANGED', 'ADMIN → USER', user.id]]);
    expect(await entriesAbout(user.id)).toHaveLength(1);
  });

  test('two admins demoting each other at once: one wins, so an admin always remains', async () => {
    const [a, b] = await Promise.all([registerUser(supergraph, 'duel_a'), registerUser(supergraph, 'duel_b')]);
    const [aToken, bToken] = [await makeAdmin(supergraph, a), await makeAdmin(supergraph, b)];
    const results = await Promise.all([setRole(aToken, b.id, 'USER'), setRole(bToken, a.id, 'USER')]);
    expect(results.map((result) => errorCodes(result)).sort()).toEqual([[], ['FORBIDDEN']]);
    const roles = await sql<{ role: string }>(supergraph.databaseUrls['users']!, 'SELECT role FROM users WHERE id = ANY($1::uuid[])', [[a.id, b.id]]);
    expect(roles.map((row) => row.role).sort()).toEqual(['ADMIN', 'USER']);
  });

  test('make-admin makes the first admin from the command line, audited as the system', async () => {
    const user = await registerUser(supergraph, 'first_admin');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [projectPath('node_modules/tsx/dist/cli.mjs'), projectPath('subgraphs/users/make-admin.ts'), ...args], {
          env: { ...process.env, NODE_OPTIONS: '', USERS_DATABASE_URL: supergraph.databaseUrls['users']!, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: supergraph.redisPrefix },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => resolve({ code, output }));
      });
    // The gateways' caches hear of the change as they do of setUserRole's.
    const listener = new Redis(TEST_REDIS_URL);
    const announced: string[] = [];
    listener.on('message', (_channel: string, message: string) => announced.push(message));
    await listener.subscribe(`${supergraph.redisPrefix}:${ENTITY_CHANGED_CHANNEL}`);
    try {
      const made = await run([user.username.toUpperCase()]);
      expect(made).toEqual({ code: 0, output: expect.stringContaining(`${user.username} is now an admin`) });
      const aboutUser = () => announced.some((message) => JSON.stringify((JSON.parse(message) as EntitiesChanged).entities) === JSON.stringify([{ type: 'User', id: user.id }]));
      await eventually(aboutUser, 5_000, 'the role change announced to caches');
    } finally {
      listener.disconnect();
    }
    expect((await run([user.username])).output).toContain('already is an admin');
    expect(await run(['nobody_by_that_name'])).toEqual({ code: 1, output: expect.stringContaining('No user is named nobody_by_that_name') });
    const [entry] = await entriesAbout(user.id);
    expect(entry).toMatchObject({ action: 'ROLE_CHANGED', actor: null, detail: 'USER → ADMIN (make-admin command)' });
    expect(dataOf(await auditLog((await refreshed(user)).accessToken)).auditLog.edges.length).toBeGreaterThan(0);
    // Three tsx processes, each compiling on start: slow on a loaded two-core machine.
  }, 120_000);
});

describe('the audit trail', () => {
  test('password changes and session families revoked for reuse are recorded by users itself', async () => {
    const user = await registerUser(supergraph, 'careful');
    const next = await refreshed(user);
    // The spent token again: the family is revoked, once, by the system.
    for (let replay = 0; replay < 2; replay += 1) {
      expect(errorCodes(await supergraph.request('mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }', { t: user.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    }
    dataOf(await supergraph.request('mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: user.password, n: 'a brand new passphrase' }, { token: next.accessToken }));
    const entries = await entriesAbout(user.id);
    expect(entries.map((entry) => [entry.action, entry.actor?.id ?? null])).toEqual([
      ['PASSWORD_CHANGED', user.id],
      ['SESSION_FAMILY_REVOKED', null],
    ]);
    expect(entries[1]?.detail).toMatch(/^session [0-9a-f-]{36}: a spent refresh token was presented again$/);
  });

  test('a post deleted by an admin is recorded by posts (an author deleting their own is not)', async () => {
    const author = await registerUser(supergraph, 'author');
    const [moderated, own] = [await createPost(author, 'Something an admin will remove'), await createPost(author, 'Mine to delete')];
    expect(dataOf(await deletePost(adminToken, moderated)).deletePost).toBe(true);
    expect(dataOf(await deletePost(author.accessToken, own)).deletePost).toBe(true);
    const [entry] = await eventuallyEntries(moderated, 1);
    expect(entry).toMatchObject({ action: 'POST_DELETED_BY_ADMIN', subjectType: 'Post', actor: { id: admin.id }, detail: `by user ${author.id}: Something an admin will remove` });
    expect(await entriesAbout(own)).toEqual([]);
  });

  test('a poll closed by an admin is recorded by polls (an author closing their own is not)', async () => {
    const author = await registerUser(supergraph, 'pollster');
    const [moderated, own] = [await createPoll(author, 'Closed by an admin?'), await createPoll(author, 'Closed by me?')];
    expect(dataOf(await closePoll(adminToken, moderated.id)).closePoll.isClosed).toBe(true);
    // Closing a closed poll changes nothing, so records nothing.
    dataOf(await closePoll(adminToken, moderated.id));
    dataOf(await closePoll(author.accessToken, own.id));
    const [entry] = await eventuallyEntries(moderated.id, 1);
    expect(entry).toMatchObject({ action: 'POLL_CLOSED_BY_ADMIN', subjectType: 'Poll', actor: { id: admin.id }, detail: `by user ${author.id}: Closed by an admin?` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesAbout(moderated.id)).toHaveLength(1);
    expect(await entriesAbout(own.id)).toEqual([]);
  });

  test('course writes by an admin are recorded by courses; an admin cannot change anyone else\'s course', async () => {
    const created = dataOf(
      await supergraph.request<{ createCourse: { id: string } }>('mutation { createCourse(input: { title: "Moderation 101", description: "" }) { id } }', {}, { token: adminToken }),
    ).createCourse.id;
    dataOf(await supergraph.request('mutation ($id: ID!) { updateCourse(id: $id, input: { title: "Moderation 102" }) { id } }', { id: created }, { token: adminToken }));
    dataOf(await supergraph.request('mutation ($id: ID!) { addLesson(courseId: $id, input: { title: "Why", content: "Because." }) { id } }', { id: created }, { token: adminToken }));
    dataOf(await supergraph.request('mutation ($id: ID!) { publishCourse(id: $id) { id } }', { id: created }, { token: adminToken }));
    const entries = await eventuallyEntries(created, 4);
    expect(entries.map((entry) => [entry.action, entry.actor?.id, entry.detail])).toEqual([
      ['COURSE_CHANGED_BY_ADMIN', admin.id, 'published'],
      ['COURSE_CHANGED_BY_ADMIN', admin.id, 'lesson added: Why'],
      ['COURSE_CHANGED_BY_ADMIN', admin.id, 'updated: title'],
      ['COURSE_CHANGED_BY_ADMIN', admin.id, 'created: Moderation 101'],
    ]);

    const instructor = await registerUser(supergraph, 'instructor');
    const theirs = dataOf(
      await supergraph.request<{ createCourse: { id: string } }>('mutation { createCourse(input: { title: "Mine", description: "" }) { id } }', {}, { token: instructor.accessToken }),
    ).createCourse.id;
    expect(errorCodes(await supergraph.request('mutation ($id: ID!) { updateCourse(id: $id, input: { title: "Hijacked" }) { id } }', { id: theirs }, { token: adminToken }))).toEqual(['FORBIDDEN']);
    expect(await entriesAbout(theirs)).toEqual([]);
  });

  test('a link deleted by an admin is recorded by links (an owner deleting their own is not)', async () => {
    const owner = await registerUser(supergraph, 'shortener');
    const [moderated, own] = [await createLink(owner, 'https://example.com/spam?x=1'), await createLink(owner, 'https://example.com/mine')];
    expect(dataOf(await deleteLink(adminToken, moderated.code)).deleteLink).toBe(true);
    expect(dataOf(await deleteLink(owner.accessToken, own.code)).deleteLink).toBe(true);
    // Deleted already: refused, and nothing more is recorded.
    expect(errorCodes(await deleteLink(adminToken, moderated.code))).toEqual(['NOT_FOUND']);
    const [entry] = await eventuallyEntries(moderated.id, 1);
    expect(entry).toMatchObject({
      action: 'LINK_DELETED_BY_ADMIN',
      subjectType: 'Link',
      subjectId: moderated.id,
      actor: { id: admin.id, username: admin.username },
      detail: `by user ${owner.id}: ${moderated.code} → https://example.com/spam?x=1`,
    });
    // Written in the transaction of the deletion and relayed right after: the outbox is empty.
    expect(await sql(supergraph.databaseUrls['links']!, 'SELECT id FROM outbox_events')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesAbout(moderated.id)).toHaveLength(1);
    expect(await entriesAbout(own.id)).toEqual([]);
  });

  test('newest first, paged by cursor without repeats; the log cannot be changed, not even in SQL', async () => {
    const all = dataOf(await auditLog(adminToken)).auditLog.edges.map((edge) => edge.node);
    expect(all.length).toBeGreaterThan(5);
    const times = all.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const paged: string[] = [];
    let after: string | undefined;
    do {
      const page: AuditPage['auditLog'] = dataOf(await auditLog(adminToken, { first: 2, ...(after && { after }) })).auditLog;
      paged.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
    } while (after);
    expect(paged).toEqual(all.map((entry) => entry.id));

    const schema = dataOf(await supergraph.request<{ __type: { fields: Array<{ name: string }> } }>('{ __type(name: "Mutation") { fields { name } } }')).__type.fields.map((field) => field.name);
    expect(schema.filter((name) => /audit/i.test(name))).toEqual([]);
    await expect(sql(supergraph.databaseUrls['users']!, 'UPDATE audit_entries SET detail = $1', ['rewritten'])).rejects.toThrow(/never changed or deleted/);
    await expect(sql(supergraph.databaseUrls['users']!, 'DELETE FROM audit_entries')).rejects.toThrow(/never changed or deleted/);
  });

  test('an event delivered twice is recorded once (the event id is the entry id)', async () => {
    const bus = redisEventBus(TEST_REDIS_URL, supergraph.redisPrefix, createLogger('test', 'silent'));
    const subjectId = randomUUID();
    const event = auditRecorded({ actorId: admin.id, action: 'LINK_DELETED_BY_ADMIN', subjectType: 'Link', subjectId, detail: 'code abc', domain: 'links' });
    await bus.publish('links', [event, event]);
    await bus.publish('links', [event]);
    await eventuallyEntries(subjectId, 1);
    expect(await bus.waitUntilConsumed('links', [], 10_000)).toBe(true);
    const entries = await entriesAbout(subjectId);
    expect(entries).toEqual([expect.objectContaining({ id: event.data['eventId'], action: 'LINK_DELETED_BY_ADMIN', subjectType: 'Link', actor: { id: admin.id, username: admin.username } })]);
    await bus.close();
  });
});

describe('platformStats', () => {
  test('each count equals the rows in its database, through concurrent writes, cascades and deletions', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => registerUser(supergraph, 'crowd')));
    const posts = await Promise.all(people.map((person, index) => createPost(person, `post ${index}`)));
    const poll = await createPoll(people[0]!, 'Counted?');
    const course = dataOf(
      await supergraph.request<{ createCourse: { id: string } }>('mutation { createCourse(input: { title: "Counted", description: "" }) { id } }', {}, { token: people[0]!.accessToken }),
    ).createCourse.id;
    dataOf(await supergraph.request('mutation ($id: ID!) { addLesson(courseId: $id, input: { title: "One", content: "1" }) { id } }', { id: course }, { token: people[0]!.accessToken }));
    dataOf(await supergraph.request('mutation ($id: ID!) { publishCourse(id: $id) { id } }', { id: course }, { token: people[0]!.accessToken }));
    // Everyone at once: likes on every post, a vote each, an enrolment each.
    await Promise.all(
      people.flatMap((person, index) => [
        ...posts.map((post) => supergraph.request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: post }, { token: person.accessToken })),
        supergraph.request('mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { id } }', { p: poll.id, o: poll.options[index % 2]!.id }, { token: person.accessToken }),
        supergraph.request('mutation ($id: ID!) { enroll(courseId: $id) { id } }', { id: course }, { token: person.accessToken }),
      ]),
    );
    // Moved votes count once; an unenrolment and a deleted post (with its likes) count down.
    dataOf(await supergraph.request('mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { id } }', { p: poll.id, o: poll.options[1]!.id }, { token: people[0]!.accessToken }));
    dataOf(await supergraph.request('mutation ($id: ID!) { unenroll(courseId: $id) }', { id: course }, { token: people[1]!.accessToken }));
    dataOf(await deletePost(adminToken, posts[0]!));

    // Links, and clicks through the public redirect: everyone on every link at once, which the
    // gateway sends to links in batches.
    const links = await Promise.all(people.slice(0, 4).map((person, index) => createLink(person, `https://example.com/counted/${index}`)));
    const visits = await Promise.all(people.flatMap((_, visitor) => links.map((link) => visit(link.code, visitor))));
    expect(visits.map((response) => response.status)).toEqual(visits.map(() => 302));
    const linksDb = supergraph.databaseUrls['links']!;
    const clicksOn = async (ids: string[]) =>
      Number((await sql<{ n: string }>(linksDb, 'SELECT coalesce(sum(clicks), 0) AS n FROM links WHERE id = ANY($1::uuid[])', [ids]))[0]?.n);
    const ids = links.map((link) => link.id);
    await eventually(async () => (await clicksOn(ids)) === visits.length, 15_000, `${visits.length} clicks recorded`);
    // A deleted link takes its clicks with it; a click sent before a deletion and recorded
    // after it (whichever happens first) counts for neither.
    dataOf(await deleteLink(adminToken, links[0]!.code));
    expect((await visit(links[1]!.code, 99)).status).toBe(302);
    dataOf(await deleteLink(people[1]!.accessToken, links[1]!.code));
    await eventually(async () => (await clicksOn(ids)) === visits.length + 1, 15_000, 'the click on a deleted link recorded');

    const rows = await countedRows();
    expect(rows.likes).toBeGreaterThanOrEqual(25);
    // Two live links of the four, each visited by everyone.
    expect(rows.links).toBeGreaterThanOrEqual(2);
    expect(rows.clicks).toBeGreaterThanOrEqual(2 * people.length);
    expect(dataOf(await supergraph.request<{ platformStats: Stats }>(STATS, {}, { token: adminToken })).platformStats).toEqual(rows);
  }, 60_000);

  test('each subgraph answers from its counters in one statement, whatever the data holds', async () => {
    const statements: Record<string, number> = {};
    const read = () => supergraph.request(STATS, {}, { token: adminToken });
    for (const name of ['users', 'posts', 'likes', 'polls', 'links', 'courses']) statements[name] = await supergraph.statementsDuring(name, read);
    expect(statements).toEqual({ users: 1, posts: 1, likes: 1, polls: 1, links: 1, courses: 1 });
    // What the statement reads: the counters' primary key, never the counted table.
    const [plan] = await sql<{ 'QUERY PLAN': string }>(
      supergraph.databaseUrls['likes']!,
      "EXPLAIN (FORMAT TEXT) SELECT table_name, sum(count)::text AS rows FROM row_counts WHERE table_name = ANY(ARRAY['likes']) GROUP BY table_name",
    );
    expect(plan?.['QUERY PLAN']).not.toMatch(/ on likes/);
  });
});

// Last: it stops the users subgraph of this file's supergraph.
test('nothing is lost while users is down: admin actions wait in their streams and are recorded when it is back', async () => {
  const author = await registerUser(supergraph, 'while_down');
  const post = await createPost(author, 'Deleted while users is away');
  const poll = await createPoll(author, 'Closed while users is away?');
  const link = await createLink(author, 'https://example.com/deleted-while-users-is-away');
  // The admin writes in posts, polls and links first: each then holds the admin's account as
  // confirmed for a while (platform/auth/account-check.ts) and need not ask users.
  dataOf(await supergraph.request('mutation { createPost(body: "before users goes away") { id } }', {}, { token: adminToken }));
  dataOf(await supergraph.request('mutation { createPoll(input: { question: "Still here?", options: ["yes", "no"] }) { id } }', {}, { token: adminToken }));
  await createLink(adminToken, 'https://example.com/before-users-goes-away');
  const users = supergraph.subgraphs['users']!;
  await users.stop();
  // Tokens are verified with users' public key, which every subgraph holds: admins act on.
  expect(dataOf(await deletePost(adminToken, post)).deletePost).toBe(true);
  expect(dataOf(await closePoll(adminToken, poll.id)).closePoll.isClosed).toBe(true);
  expect(dataOf(await deleteLink(adminToken, link.code)).deleteLink).toBe(true);
  await supergraph.startReplica('users', { PORT: String(users.port) });
  const [deleted, closed, unlinked] = [await eventuallyEntries(post, 1), await eventuallyEntries(poll.id, 1), await eventuallyEntries(link.id, 1)];
  expect(deleted.map((entry) => entry.action)).toEqual(['POST_DELETED_BY_ADMIN']);
  expect(closed.map((entry) => entry.action)).toEqual(['POLL_CLOSED_BY_ADMIN']);
  expect(unlinked.map((entry) => entry.action)).toEqual(['LINK_DELETED_BY_ADMIN']);
}, 60_000);
