import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, DEMO_POSTS } from '../contracts/demo.js';
import { loadEmbeddedConfig } from '../embedded/config.js';
import { startEmbedded } from '../embedded/start.js';
import type { RunningSupergraph } from '../embedded/start.js';
import { eventually } from './support/eventually.js';
import { dataOf, graphql } from './support/graphql.js';
import { openSocket } from './support/ws.js';

// Polls in the `npm start` code path: PGlite, in-process pub/sub and domain events, demo data.
const dataDir = mkdtempSync(join(tmpdir(), 'supergraph-polls-embedded-'));
let supergraph: RunningSupergraph;

// Five PGlites initialise one after another in this process: at a load average of 11–15 on
// two cores (full `npm test` beside other runs) 120 s was not always enough, as for
// embedded-default.test.ts.
beforeAll(async () => {
  supergraph = await startEmbedded(loadEmbeddedConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' }));
}, 180_000);
afterAll(async () => {
  await supergraph.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = async (username: string) =>
  dataOf(await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { accessToken } }', { u: username, p: DEMO_PASSWORD }))
    .login.accessToken;

test('seeds demo polls with votes, one on a demo post', async () => {
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

test('a poll on a new post, votes from several accounts, each seen live with the author\'s username', async () => {
  const grace = await login('grace');
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
      dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { id } }', { p: poll.id, o: poll.options[index % 2]!.id }, { token: await login(username) }));
      expect(await events.next(10_000)).toEqual({ data: { pollResultsChanged: { totalVotes: index + 1, author: { username: 'grace' }, post: { body: 'Which language first?' } } } });
    }
  } finally {
    await socket.dispose();
  }
});
