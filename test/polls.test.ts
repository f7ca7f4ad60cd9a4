import { randomUUID } from 'node:crypto';
import { sql } from './support/databases.js';
import { eventually } from './support/eventually.js';
import { dataOf, errorCodes } from './support/graphql.js';
import type { GraphQLResult } from './support/graphql.js';
import { channelSubscribers } from './support/redis.js';
import { createPostBy } from './support/posts.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { makeAdmin, quickAccounts, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';

let supergraph: TestSupergraph;
beforeAll(async () => {
  // The 100 concurrent voters queue for a pool of 5 connections in a process that also runs
  // the gateway and every other subgraph; on a busy machine the last ones wait longer than
  // the gateway's default 10 s subgraph deadline, which is about load, not correctness.
  supergraph = await startTestSupergraph({ gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '30000' } });
}, 60_000);
afterAll(() => supergraph.stop());

interface OptionView {
  id: string;
  text: string;
  votes: number;
  percentage: number;
}
interface PollView {
  id: string;
  question: string;
  options: OptionView[];
  totalVotes: number;
  isClosed: boolean;
  closesAt: string | null;
  viewerVote: { id: string; text: string } | null;
  author: { username: string };
  post: { id: string; body: string } | null;
}
const POLL = 'id question options { id text votes percentage } totalVotes isClosed closesAt viewerVote { id text } author { username } post { id body }';

const pollsDb = () => supergraph.databaseUrls['polls']!;
const createPost = (who: TestUser, body = 'a post with a poll'): Promise<string> => createPostBy(supergraph, who, body);
const deletePost = (token: string, id: string) => supergraph.request<{ deletePost: boolean }>('mutation ($id: ID!) { deletePost(id: $id) }', { id }, { token });
const createPoll = (token: string | undefined, input: Record<string, unknown>) =>
  supergraph.request<{ createPoll: PollView }>(`mutation ($input: CreatePollInput!) { createPoll(input: $input) { ${POLL} } }`, { input }, { token });
const newPoll = async (who: TestUser, input: Record<string, unknown> = {}) =>
  dataOf(await createPoll(who.accessToken, { question: 'Tea or coffee?', options: ['Tea', 'Coffee', 'Neither'], ...input })).createPoll;
const vote = (token: string | undefined, pollId: string, optionId: string) =>
  supergraph.request<{ vote: PollView }>(`mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { ${POLL} } }`, { p: pollId, o: optionId }, { token });
const closePoll = (token: string | undefined, pollId: string) =>
  supergraph.request<{ closePoll: PollView }>(`mutation ($p: ID!) { closePoll(pollId: $p) { ${POLL} } }`, { p: pollId }, { token });
const readPoll = async (id: string, token?: string) => dataOf(await supergraph.request<{ poll: PollView | null }>(`query ($id: ID!) { poll(id: $id) { ${POLL} } }`, { id }, { token })).poll;
const voterTokens = async (count: number): Promise<string[]> => (await quickAccounts(supergraph, count)).map((account) => account.accessToken);
const voterToken = async (): Promise<string> => (await voterTokens(1))[0]!;
const codesAndFields = (result: GraphQLResult<unknown>) => (result.errors ?? []).map((error) => [error.extensions?.code, error.extensions?.field]);

/** Each option's maintained counter beside the vote rows that hold it up. */
async function countersAndRows(pollId: string): Promise<Array<{ counter: number; rows: number }>> {
  const rows = await sql<{ counter: number; rows: string }>(
    pollsDb(),
    'SELECT o.votes AS counter, count(v.user_id) AS rows FROM poll_options o LEFT JOIN votes v ON v.option_id = o.id WHERE o.poll_id = $1 GROUP BY o.id, o.position ORDER BY o.position',
    [pollId],
  );
  return rows.map((row) => ({ counter: row.counter, rows: Number(row.rows) }));
}
const voteRows = async (pollId: string) => Number((await sql<{ n: string }>(pollsDb(), 'SELECT count(*) AS n FROM votes WHERE poll_id = $1', [pollId]))[0]?.n);
const pollRows = async () => Number((await sql<{ n: string }>(pollsDb(), 'SELECT count(*) AS n FROM polls'))[0]?.n);

describe('createPoll', () => {
  test('creates a poll with trimmed text and empty results; poll, polls and User.polls find it', async () => {
    const author = await registerUser(supergraph, 'pollster');
    const closesAt = new Date(Date.now() + 3_600_000).toISOString();
    const poll = await newPoll(author, { question: '  Best editor?  ', options: [' vim ', 'Emacs', 'nano'], closesAt });
    expect(poll).toEqual({
      id: expect.any(String),
      question: 'Best editor?',
      options: [
        { id: expect.any(String), text: 'vim', votes: 0, percentage: 0 },
        { id: expect.any(String), text: 'Emacs', votes: 0, percentage: 0 },
        { id: expect.any(String), text: 'nano', votes: 0, percentage: 0 },
      ],
      totalVotes: 0,
      isClosed: false,
      closesAt,
      viewerVote: null,
      author: { username: author.username },
      post: null,
    });
    expect(await readPoll(poll.id)).toEqual(poll);
    expect(await readPoll(randomUUID())).toBeNull();
    expect(await readPoll('not-an-id')).toBeNull();

    const second = await newPoll(author, { question: 'Second?' });
    type Page = { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    const page = dataOf(
      await supergraph.request<{ polls: Page; user: { polls: Page } }>(
        'query ($id: ID!) { polls(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } user(id: $id) { polls { edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
        { id: author.id },
      ),
    );
    expect(page.polls.edges.map((edge) => edge.node.id)).toEqual([second.id, poll.id]);
    expect(page.user.polls.edges.map((edge) => edge.node.id)).toEqual([second.id, poll.id]);
    expect(page.user.polls.pageInfo.hasNextPage).toBe(false);
    const after = dataOf(await supergraph.request<{ polls: Page }>('query ($after: String) { polls(first: 100, after: $after) { edges { node { id } } } }', { after: page.polls.pageInfo.endCursor })).polls;
    expect(after.edges.map((edge) => edge.node.id)).not.toContain(second.id);
    expect(errorCodes(await supergraph.request('{ polls(first: 101) { edges { cursor } } }'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await supergraph.request('{ polls(after: "nonsense") { edges { cursor } } }'))).toEqual(['BAD_USER_INPUT']);
  });

  test('refuses bad input with BAD_USER_INPUT naming the field, and anonymous callers, writing nothing', async () => {
    const author = await registerUser(supergraph, 'sloppy');
    const before = await pollRows();
    const good = { question: 'Fine?', options: ['Yes', 'No'] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, question: '  ' }, 'question'],
      [{ ...good, question: 'q'.repeat(301) }, 'question'],
      [{ ...good, question: 'nul\u0000' }, 'question'],
      [{ ...good, options: ['Only one'] }, 'options'],
      [{ ...good, options: Array.from({ length: 11 }, (_, index) => `Option ${index}`) }, 'options'],
      [{ ...good, options: ['Yes', ' '] }, 'options'],
      [{ ...good, options: ['Yes', 'o'.repeat(101)] }, 'options'],
      [{ ...good, options: ['Yes', 'No', ' yes '] }, 'options'],
      [{ ...good, closesAt: new Date(Date.now() - 1_000).toISOString() }, 'closesAt'],
      [{ ...good, postId: 'not-a-post' }, 'postId'],
    ];
    for (const [input, field] of cases) expect([field, codesAndFields(await createPoll(author.accessToken, input))]).toEqual([field, [['BAD_USER_INPUT', field]]]);
    expect(errorCodes(await createPoll(author.accessToken, { ...good, closesAt: 'tomorrow' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createPoll(undefined, good))).toEqual(['UNAUTHENTICATED']);
    expect(await pollRows()).toBe(before);
  });

  test('attaches to the caller\'s own post: Post.poll and Poll.post resolve across subgraphs', async () => {
    const author = await registerUser(supergraph, 'poster');
    // Right after createPost: before or after posts' event reaches polls, the post is found.
    const postId = await createPost(author, 'Vote below');
    const poll = await newPoll(author, { postId });
    expect(poll.post).toEqual({ id: postId, body: 'Vote below' });
    const post = dataOf(await supergraph.request<{ post: { poll: { id: string; question: string; author: { username: string } } } }>('query ($id: ID!) { post(id: $id) { poll { id question author { username } } } }', { id: postId })).post;
    expect(post.poll).toEqual({ id: poll.id, question: 'Tea or coffee?', author: { username: author.username } });
    const bare = await createPost(author, 'no poll here');
    expect(dataOf(await supergraph.request<{ post: { poll: null } }>('query ($id: ID!) { post(id: $id) { poll { id } } }', { id: bare })).post.poll).toBeNull();
  });

  test('refuses someone else\'s post (FORBIDDEN), a missing or deleted one (NOT_FOUND), a second poll on a post (CONFLICT)', async () => {
    const [author, other] = [await registerUser(supergraph, 'owner'), await registerUser(supergraph, 'intruder')];
    const postId = await createPost(author);
    const input = { question: 'Mine?', options: ['a', 'b'] };
    expect(codesAndFields(await createPoll(other.accessToken, { ...input, postId }))).toEqual([['FORBIDDEN', undefined]]);
    expect(errorCodes(await createPoll(author.accessToken, { ...input, postId: randomUUID() }))).toEqual(['NOT_FOUND']);
    dataOf(await createPoll(author.accessToken, { ...input, postId }));
    expect(codesAndFields(await createPoll(author.accessToken, { ...input, postId }))).toEqual([['CONFLICT', 'postId']]);

    const deleted = await createPost(author, 'gone soon');
    dataOf(await deletePost(author.accessToken, deleted));
    await eventually(async () => errorCodes(await createPoll(author.accessToken, { ...input, postId: deleted }))[0] === 'NOT_FOUND', 10_000, 'the deleted post to be refused');

    // Two at once on one fresh post: one poll, one CONFLICT.
    const contested = await createPost(author, 'contested');
    const results = await Promise.all([createPoll(author.accessToken, { ...input, postId: contested }), createPoll(author.accessToken, { ...input, postId: contested })]);
    expect(results.map((result) => errorCodes(result)[0] ?? 'ok').sort()).toEqual(['CONFLICT', 'ok']);
  });
});

describe('vote', () => {
  test('counts one vote per user: a second vote moves it, the same option again changes nothing', async () => {
    const [author, voter] = [await registerUser(supergraph, 'asker'), await registerUser(supergraph, 'chooser')];
    const poll = await newPoll(author);
    const [tea, coffee, neither] = poll.options.map((option) => option.id) as [string, string, string];

    const first = dataOf(await vote(voter.accessToken, poll.id, tea)).vote;
    expect(first.totalVotes).toBe(1);
    expect(first.options.map((option) => [option.votes, option.percentage])).toEqual([[1, 100], [0, 0], [0, 0]]);
    expect(first.viewerVote).toEqual({ id: tea, text: 'Tea' });

    const moved = dataOf(await vote(voter.accessToken, poll.id, coffee)).vote;
    expect(moved.totalVotes).toBe(1);
    expect(moved.options.map((option) => option.votes)).toEqual([0, 1, 0]);
    expect(moved.viewerVote).toEqual({ id: coffee, text: 'Coffee' });
    expect(dataOf(await vote(voter.accessToken, poll.id, coffee)).vote.options.map((option) => option.votes)).toEqual([0, 1, 0]);

    dataOf(await vote(author.accessToken, poll.id, tea));
    dataOf(await vote(await voterToken(), poll.id, neither));
    const read = (await readPoll(poll.id, voter.accessToken))!;
    expect(read.totalVotes).toBe(3);
    expect(read.options.map((option) => [option.votes, option.percentage])).toEqual([[1, 33.4], [1, 33.3], [1, 33.3]]);
    expect(read.viewerVote?.id).toBe(coffee);
    expect((await readPoll(poll.id))!.viewerVote).toBeNull();
    expect(await countersAndRows(poll.id)).toEqual([{ counter: 1, rows: 1 }, { counter: 1, rows: 1 }, { counter: 1, rows: 1 }]);
  });

  test('refuses other polls\' options and unknown ones (BAD_USER_INPUT), unknown polls (NOT_FOUND), malformed ids, anonymous voters', async () => {
    const author = await registerUser(supergraph, 'strict');
    const [poll, other] = [await newPoll(author), await newPoll(author, { question: 'Other?' })];
    const token = await voterToken();
    expect(codesAndFields(await vote(token, poll.id, other.options[0]!.id))).toEqual([['BAD_USER_INPUT', 'optionId']]);
    expect(codesAndFields(await vote(token, poll.id, randomUUID()))).toEqual([['BAD_USER_INPUT', 'optionId']]);
    expect(codesAndFields(await vote(token, poll.id, 'nope'))).toEqual([['BAD_USER_INPUT', 'optionId']]);
    expect(codesAndFields(await vote(token, 'nope', poll.options[0]!.id))).toEqual([['BAD_USER_INPUT', 'pollId']]);
    expect(errorCodes(await vote(token, randomUUID(), poll.options[0]!.id))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await vote(undefined, poll.id, poll.options[0]!.id))).toEqual(['UNAUTHENTICATED']);
    expect(await voteRows(poll.id)).toBe(0);
  });

  test('a closed poll, or one whose closesAt passed, refuses votes with BAD_USER_INPUT and reads as closed', async () => {
    const author = await registerUser(supergraph, 'closer');
    const poll = await newPoll(author);
    dataOf(await vote(await voterToken(), poll.id, poll.options[0]!.id));
    const closed = dataOf(await closePoll(author.accessToken, poll.id)).closePoll;
    expect(closed).toMatchObject({ isClosed: true, totalVotes: 1 });
    expect(codesAndFields(await vote(await voterToken(), poll.id, poll.options[1]!.id))).toEqual([['BAD_USER_INPUT', 'pollId']]);
    expect(dataOf(await closePoll(author.accessToken, poll.id)).closePoll).toEqual(closed);

    // No job closes a poll: once closesAt is behind, it reads as closed and refuses votes.
    const expiring = await newPoll(author, { closesAt: new Date(Date.now() + 1_500).toISOString() });
    expect(expiring.isClosed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await readPoll(expiring.id))!.isClosed).toBe(true);
    expect(codesAndFields(await vote(await voterToken(), expiring.id, expiring.options[0]!.id))).toEqual([['BAD_USER_INPUT', 'pollId']]);
    expect(await voteRows(expiring.id)).toBe(0);
  });
});

describe('closePoll', () => {
  test('is for the author or an admin (FORBIDDEN otherwise); unknown polls are NOT_FOUND', async () => {
    const [author, stranger, admin] = [await registerUser(supergraph, 'closeowner'), await registerUser(supergraph, 'stranger'), await registerUser(supergraph, 'closeadmin')];
    const [poll, other] = [await newPoll(author), await newPoll(author)];
    expect(errorCodes(await closePoll(stranger.accessToken, poll.id))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await closePoll(undefined, poll.id))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await closePoll(author.accessToken, randomUUID()))).toEqual(['NOT_FOUND']);
    expect(codesAndFields(await closePoll(author.accessToken, 'x'))).toEqual([['BAD_USER_INPUT', 'pollId']]);
    expect((await readPoll(poll.id))!.isClosed).toBe(false);
    expect(dataOf(await closePoll(author.accessToken, poll.id)).closePoll.isClosed).toBe(true);
    expect(dataOf(await closePoll(await makeAdmin(supergraph, admin), other.id)).closePoll.isClosed).toBe(true);
  });
});

describe('counters under concurrency', () => {
  test('100 concurrent voters, some changing their minds at once: every counter equals its rows', async () => {
    const author = await registerUser(supergraph, 'crowdpoll');
    const poll = await newPoll(author, { options: ['a', 'b', 'c', 'd'] });
    const options = poll.options.map((option) => option.id);
    const tokens = await voterTokens(100);
    // Every voter votes; every third also votes for the next option at the same moment.
    const results = await Promise.all(
      tokens.flatMap((token, index) => [vote(token, poll.id, options[index % 4]!), ...(index % 3 === 0 ? [vote(token, poll.id, options[(index + 1) % 4]!)] : [])]),
    );
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const tally = await countersAndRows(poll.id);
    expect(tally.map(({ counter }) => counter)).toEqual(tally.map(({ rows }) => rows));
    expect(await voteRows(poll.id)).toBe(100);
    const read = (await readPoll(poll.id))!;
    expect(read.totalVotes).toBe(100);
    expect(read.options.map((option) => option.votes)).toEqual(tally.map(({ rows }) => rows));
    expect(Math.abs(read.options.reduce((sum, option) => sum + option.percentage, 0) - 100)).toBeLessThanOrEqual(0.1);
  }, 120_000);

  test('votes racing closePoll: each vote is counted or refused as closed, and none lands after the close', async () => {
    const author = await registerUser(supergraph, 'racer');
    const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
    for (let round = 0; round < 3; round += 1) {
      const poll = await newPoll(author, { options: ['x', 'y'] });
      const tokens = await voterTokens(60);
      const castBy = (index: number) => vote(tokens[index]!, poll.id, poll.options[index % 2]!.id);
      // One vote surely before the close, a stream of votes around it, and a few surely after.
      const results = [await castBy(0)];
      const racing: Array<Promise<GraphQLResult<{ vote: PollView }>>> = [];
      let close: Promise<GraphQLResult<{ closePoll: PollView }>> | undefined;
      for (let index = 1; index < 55; index += 1) {
        racing.push(castBy(index));
        if (index === 10) close = closePoll(author.accessToken, poll.id);
        await pause();
      }
      dataOf(await close!);
      results.push(...(await Promise.all(racing)));
      for (let index = 55; index < 60; index += 1) results.push(await castBy(index));

      const accepted = results.filter((result) => !result.errors?.length).length;
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThanOrEqual(55);
      expect(results.flatMap((result) => codesAndFields(result))).toEqual(Array.from({ length: results.length - accepted }, () => ['BAD_USER_INPUT', 'pollId']));
      expect(await voteRows(poll.id)).toBe(accepted);
      const tally = await countersAndRows(poll.id);
      expect(tally.map(({ counter }) => counter)).toEqual(tally.map(({ rows }) => rows));
      // Every counted vote began before voting ended (closePoll waits for the votes under way).
      const [late] = await sql<{ n: string }>(pollsDb(), 'SELECT count(*) AS n FROM votes v JOIN polls p ON p.id = v.poll_id WHERE p.id = $1 AND v.updated_at > p.closed_at', [poll.id]);
      expect(Number(late?.n)).toBe(0);
      expect((await readPoll(poll.id))!).toMatchObject({ isClosed: true, totalVotes: accepted });
    }
  }, 120_000);
});

describe('posts\' events', () => {
  test('a deleted post detaches its poll: the poll and its votes stay, post becomes null', async () => {
    const author = await registerUser(supergraph, 'detach');
    const postId = await createPost(author, 'short-lived');
    const poll = await newPoll(author, { postId });
    dataOf(await vote(await voterToken(), poll.id, poll.options[0]!.id));
    expect(dataOf(await deletePost(author.accessToken, postId)).deletePost).toBe(true);
    await eventually(async () => (await readPoll(poll.id))?.post === null, 10_000, 'the poll to be detached');
    expect(await readPoll(poll.id)).toMatchObject({ id: poll.id, post: null, totalVotes: 1 });
  });

  test('a post deleted while a poll is being attached to it ends up with no poll attached', async () => {
    const author = await registerUser(supergraph, 'racedpost');
    for (let round = 0; round < 3; round += 1) {
      const postId = await createPost(author, `race ${round}`);
      // Only the poll's id: the post it names may be gone by the time the answer is put together.
      const [created] = await Promise.all([
        supergraph.request('mutation ($input: CreatePollInput!) { createPoll(input: $input) { id } }', { input: { question: 'Race?', options: ['a', 'b'], postId } }, { token: author.accessToken }),
        deletePost(author.accessToken, postId),
      ]);
      expect(['ok', 'NOT_FOUND']).toContain(errorCodes(created)[0] ?? 'ok');
      await eventually(
        async () => Number((await sql<{ n: string }>(pollsDb(), 'SELECT count(*) AS n FROM polls WHERE post_id = $1', [postId]))[0]?.n) === 0,
        10_000,
        'no poll on the deleted post',
      );
    }
  });
});

describe('pollResultsChanged', () => {
  test('pushes every vote and the close, with the author and post from other subgraphs', async () => {
    const author = await registerUser(supergraph, 'livepoll');
    const postId = await createPost(author, 'Live results below');
    const poll = await newPoll(author, { postId, options: ['Left', 'Right'] });
    const [left, right] = poll.options.map((option) => option.id) as [string, string];
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      type Event = { pollResultsChanged: { totalVotes: number; isClosed: boolean; options: Array<{ text: string; votes: number; percentage: number }>; author: { username: string }; post: { body: string } } };
      const events = socket.subscribe<Event>(
        'subscription ($id: ID!) { pollResultsChanged(pollId: $id) { totalVotes isClosed options { text votes percentage } author { username } post { body } } }',
        { id: poll.id },
      );
      await eventually(async () => (await channelSubscribers(supergraph.channel(`pollResultsChanged:${poll.id}`))) > 0, 5_000, 'the upstream subscription');
      const expected = (votes: [number, number], percentages: [number, number], isClosed = false) => ({
        data: {
          pollResultsChanged: {
            totalVotes: votes[0] + votes[1],
            isClosed,
            options: [{ text: 'Left', votes: votes[0], percentage: percentages[0] }, { text: 'Right', votes: votes[1], percentage: percentages[1] }],
            author: { username: author.username },
            post: { body: 'Live results below' },
          },
        },
      });
      const voters = await voterTokens(3);
      dataOf(await vote(voters[0], poll.id, left));
      expect(await events.next(10_000)).toEqual(expected([1, 0], [100, 0]));
      dataOf(await vote(voters[1], poll.id, right));
      expect(await events.next(10_000)).toEqual(expected([1, 1], [50, 50]));
      dataOf(await vote(voters[2], poll.id, right));
      expect(await events.next(10_000)).toEqual(expected([1, 2], [33.3, 66.7]));
      dataOf(await vote(voters[0], poll.id, right));
      expect(await events.next(10_000)).toEqual(expected([0, 3], [0, 100]));
      // The same option again changes nothing and pushes nothing: the next event is the close.
      dataOf(await vote(voters[0], poll.id, right));
      dataOf(await closePoll(author.accessToken, poll.id));
      expect(await events.next(10_000)).toEqual(expected([0, 3], [0, 100], true));
    } finally {
      await socket.dispose();
    }
  });

  test('refuses a poll that does not exist with NOT_FOUND', async () => {
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const result = await socket.subscribe(`subscription { pollResultsChanged(pollId: "${randomUUID()}") { totalVotes } }`).next();
      expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['NOT_FOUND']);
    } finally {
      await socket.dispose();
    }
  });
});

describe('SQL statements per request do not grow with the page size', () => {
  let viewer: TestUser;
  beforeAll(async () => {
    // 120 polls on 120 posts by 6 authors, written straight into the databases: this is about
    // reads. Newer than every poll the other tests made, so both pages are all of them.
    const authors = (await Promise.all(Array.from({ length: 6 }, () => registerUser(supergraph, 'bulkpoll')))).map((user) => user.id);
    viewer = await registerUser(supergraph, 'bulkviewer');
    const polls = Array.from({ length: 120 }, (_, index) => ({ id: randomUUID(), postId: randomUUID(), author: authors[index % authors.length]!, options: [randomUUID(), randomUUID(), randomUUID()] }));
    const at = (index: number) => `now() + interval '1 hour' - interval '${index} seconds'`;
    await sql(supergraph.databaseUrls['posts']!, `INSERT INTO posts (id, author_id, body, created_at, updated_at) VALUES ${polls.map((poll, index) => `('${poll.postId}', '${poll.author}', 'bulk ${index}', ${at(index)}, now())`).join(', ')}`);
    await sql(pollsDb(), `INSERT INTO known_posts (id, author_id) VALUES ${polls.map((poll) => `('${poll.postId}', '${poll.author}')`).join(', ')}`);
    await sql(pollsDb(), `INSERT INTO polls (id, author_id, post_id, question, created_at) VALUES ${polls.map((poll, index) => `('${poll.id}', '${poll.author}', '${poll.postId}', 'bulk ${index}?', ${at(index)})`).join(', ')}`);
    // The viewer voted for the first option of every other poll.
    await sql(
      pollsDb(),
      `INSERT INTO poll_options (id, poll_id, position, text, votes) VALUES ${polls.flatMap((poll, index) => poll.options.map((option, position) => `('${option}', '${poll.id}', ${position}, 'option ${position}', ${position === 0 && index % 2 === 0 ? 1 : 0})`)).join(', ')}`,
    );
    await sql(pollsDb(), `INSERT INTO votes (poll_id, user_id, option_id) VALUES ${polls.filter((_, index) => index % 2 === 0).map((poll) => `('${poll.id}', '${viewer.id}', '${poll.options[0]}')`).join(', ')}`);
  }, 60_000);

  test.each(['polls', 'users', 'posts'])('in the %s subgraph, polls(first: 10) and (first: 100) cost the same', async (name) => {
    const statements = (first: number): Promise<number> =>
      supergraph.statementsDuring(name, async () => {
        const result = await supergraph.request<{ polls: { edges: Array<{ node: PollView }> } }>(`query ($first: Int) { polls(first: $first) { edges { node { ${POLL} } } } }`, { first }, { token: viewer.accessToken });
        const nodes = dataOf(result).polls.edges.map((edge) => edge.node);
        expect(nodes).toHaveLength(first);
        expect(nodes[0]).toMatchObject({ question: 'bulk 0?', totalVotes: 1, viewerVote: { text: 'option 0' }, post: { body: 'bulk 0' } });
        expect(nodes[1]?.viewerVote).toBeNull();
      });
    const small = await statements(10);
    expect(await statements(100)).toBe(small);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(3);
  });
});
