import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import type { TestBrowser } from './support/browser.js';
import { eventually } from './support/eventually.js';
import { dataOf } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { projectPath } from '../platform/paths.js';

// The page at / and GraphiQL at /graphiql in a real Chromium, against a real supergraph:
// everything the page shows comes through the gateway's public API.
let supergraph: TestSupergraph;
let browser: TestBrowser;
let page: Page;
let origin: string;
let author: TestUser;
let reader: TestUser;
let postId: string;
let poll: { id: string; options: Array<{ id: string; text: string }> };
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(projectPath('web', 'dist', 'index.html'))) throw new Error('web/dist is not built: run `npm run build:web` (npm test does)');
  [supergraph, browser] = await Promise.all([startTestSupergraph(), launchBrowser()]);
  origin = new URL(supergraph.gatewayUrl).origin;
  [author, reader] = await Promise.all([registerUser(supergraph, 'author'), registerUser(supergraph, 'reader')]);
  const as = (user: TestUser) => ({ token: user.accessToken });
  postId = dataOf(await supergraph.request<{ createPost: { id: string } }>('mutation { createPost(body: "Watch this bar grow") { id } }', {}, as(author))).createPost.id;
  // popularPosts lists liked posts only: one like puts the post on the page.
  dataOf(await supergraph.request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: postId }, as(author)));
  poll = dataOf(
    await supergraph.request<{ createPoll: typeof poll }>(
      'mutation { createPoll(input: { question: "Tabs or spaces?", options: ["Tabs", "Spaces"] }) { id options { id text } } }',
      {},
      as(author),
    ),
  ).createPoll;

  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await supergraph?.stop();
});

const likesOnPage = (id: string) => page.getAttribute(`[data-testid="likes-${id}"]`, 'data-value').then(Number);
const votesOnPage = (optionId: string) => page.getAttribute(`[data-testid="poll-${optionId}"]`, 'data-value').then(Number);
const barShare = (optionId: string) => page.getAttribute(`[data-testid="poll-${optionId}"]`, 'data-share').then(Number);

test('the page loads with its counters live, no failed request and no console error', async () => {
  await page.goto(`${origin}/`);
  await page.waitForSelector('[data-testid="socket-state"][data-state="live"]', { timeout: 20_000 });
  await page.waitForSelector(`[data-testid="likes-${postId}"]`, { timeout: 5_000 });
  // An empty bar has no width, so it is attached rather than visible.
  await page.waitForSelector(`[data-testid="poll-${poll.options[0]!.id}"]`, { state: 'attached', timeout: 5_000 });
  expect(await likesOnPage(postId)).toBe(1);
  expect(problems).toEqual([]);
}, 60_000);

test('a like made over HTTP moves the page’s count within a second', async () => {
  dataOf(await supergraph.request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: postId }, { token: reader.accessToken }));
  await eventually(async () => (await likesOnPage(postId)) === 2, 1_000, 'the like count on the page to reach 2');
});

test('a vote moves the poll’s bar', async () => {
  const [tabs, spaces] = poll.options;
  expect(await barShare(tabs!.id)).toBe(0);
  dataOf(await supergraph.request('mutation ($p: ID!, $o: ID!) { vote(pollId: $p, optionId: $o) { id } }', { p: poll.id, o: tabs!.id }, { token: reader.accessToken }));
  await eventually(async () => (await votesOnPage(tabs!.id)) === 1 && (await barShare(tabs!.id)) === 100, 1_000, 'the Tabs bar to fill');
  expect(await barShare(spaces!.id)).toBe(0);
  // A post arriving shows in the feed, from postCreated.
  dataOf(await supergraph.request('mutation { createPost(body: "Fresh off the press") { id } }', {}, { token: author.accessToken }));
  await page.getByText('Fresh off the press').waitFor({ timeout: 2_000 });
  // The arrival animation settles first, so the picture (docs/live-page.png) is readable.
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(SCREENSHOTS, 'live-page.png') });
  expect(problems).toEqual([]);
});

test('the page says when the connection drops, and when it is back', async () => {
  await browser.context.setOffline(true);
  await page.waitForSelector('[data-testid="socket-state"][data-state="offline"]');
  await page.screenshot({ path: join(SCREENSHOTS, 'live-page-offline.png') });
  await browser.context.setOffline(false);
  await page.waitForSelector('[data-testid="socket-state"][data-state="live"]', { timeout: 10_000 });
});

test('GraphiQL, bundled and served locally, runs a query', async () => {
  const explorer = await browser.context.newPage();
  const external: string[] = [];
  explorer.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) external.push(request.url());
  });
  await explorer.goto(`${origin}/graphiql`);
  await explorer.locator('.graphiql-execute-button').click({ timeout: 20_000 });
  // The result pane is a Monaco editor: its text is in the DOM, spread over spans.
  const shown = await explorer
    .getByText('Watch this bar grow')
    .first()
    .waitFor({ timeout: 10_000 })
    .catch((error: unknown) => error);
  await explorer.screenshot({ path: join(SCREENSHOTS, 'graphiql.png') });
  if (shown) throw shown;
  expect(external).toEqual([]);
  await explorer.close();
}, 60_000);
