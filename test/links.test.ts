import { randomBytes } from 'node:crypto';
// jsqr is CommonJS: its function is the default export's `default`.
import jsqr from 'jsqr';
import { sql } from './support/databases.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { BROWSER } from './support/links.js';
import { channelSubscribers } from './support/redis.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { makeAdmin, registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';
import { openSocket } from './support/ws.js';
import { eventually } from './support/eventually.js';

// Clicks are flushed often here so that tests wait little; the batching is the same.
let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ gatewayEnv: { CLICK_FLUSH_INTERVAL_MS: '100' } });
});
afterAll(() => supergraph.stop());

const LINK_FIELDS = 'id code url shortUrl createdAt expiresAt clicks uniqueVisitors owner { username }';

interface LinkView {
  id: string;
  code: string;
  url: string;
  shortUrl: string;
  createdAt: string;
  expiresAt: string | null;
  clicks: number;
  uniqueVisitors: number;
  owner: { username: string };
}

const createLink = (who: TestUser | undefined, input: Record<string, unknown>) =>
  supergraph.request<{ createLink: LinkView }>(`mutation ($input: CreateLinkInput!) { createLink(input: $input) { ${LINK_FIELDS} } }`, { input }, { token: who?.accessToken });
const shorten = async (who: TestUser, input: Record<string, unknown> = {}) => dataOf(await createLink(who, { url: 'https://example.com/landing?from=test', ...input })).createLink;
const linkByCode = async (code: string, fields = LINK_FIELDS) => dataOf(await supergraph.request<{ link: LinkView | null }>(`query ($code: String!) { link(code: $code) { ${fields} } }`, { code })).link;
const deleteLink = (token: string | undefined, code: string) => supergraph.request<{ deleteLink: boolean }>('mutation ($code: String!) { deleteLink(code: $code) }', { code }, { token });

const redirectUrl = (code: string) => new URL(`/s/${code}`, supergraph.gatewayUrl).toString();
const visit = (code: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}) =>
  fetch(redirectUrl(code), { method, redirect: 'manual', headers: { 'user-agent': BROWSER, ...headers } });

/** Waits until the link's counter shows `clicks` (flushes are asynchronous), then a little longer to see it stays there. */
async function settledClicks(code: string, clicks: number): Promise<LinkView> {
  await eventually(async () => (await linkByCode(code))?.clicks === clicks, 10_000, `${clicks} clicks on ${code}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (await linkByCode(code))!;
}

describe('the redirect', () => {
  test('302 to the URL with no-store and a Referrer-Policy; HEAD answers the same without a body', async () => {
    const owner = await registerUser(supergraph, 'redirector');
    const link = await shorten(owner);
    expect(link.code).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(link.shortUrl).toMatch(new RegExp(`/s/${link.code}$`));
    const response = await visit(link.code);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/landing?from=test');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<a href="https://example.com/landing?from=test">');
    const head = await visit(link.code, { method: 'HEAD' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe('https://example.com/landing?from=test');
    expect(await head.text()).toBe('');
    // Codes are matched in any case; a query string is ignored.
    expect((await visit(`${link.code.toUpperCase()}?utm=1`)).status).toBe(302);
    // HEAD is a check, not a visit: only the two GETs count.
    expect((await settledClicks(link.code, 2)).clicks).toBe(2);
  });

  test('404 for unknown codes and 405 for other methods, each with a small HTML body and no-store', async () => {
    for (const code of ['nope-not-here', 'x', '%00evil', 'a/b/c']) {
      const response = await visit(code);
      expect(response.status).toBe(404);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBeTruthy();
      expect(await response.text()).toContain('Link not found');
    }
    const post = await visit('anything', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('410 once a link is deleted, and once it has expired', async () => {
    const owner = await registerUser(supergraph, 'ephemeral');
    const deleted = await shorten(owner);
    expect((await visit(deleted.code)).status).toBe(302);
    expect(dataOf(await deleteLink(owner.accessToken, deleted.code)).deleteLink).toBe(true);
    // The gateway hears of the deletion through Redis and drops its cached answer.
    await eventually(async () => (await visit(deleted.code)).status === 410, 5_000, 'a 410 after deleteLink');
    const gone = await visit(deleted.code);
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect(await gone.text()).toContain('Link gone');

    // Long enough for a loaded machine to visit it in time; the cached answer carries the expiry.
    const expiresAt = Date.now() + 4_000;
    const expiring = await shorten(owner, { expiresAt: new Date(expiresAt).toISOString() });
    expect((await visit(expiring.code)).status).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    expect((await visit(expiring.code)).status).toBe(410);
    expect((await settledClicks(expiring.code, 1)).clicks).toBe(1);
  });

  test('a custom code created after it was looked up (a cached 404) redirects at once', async () => {
    const owner = await registerUser(supergraph, 'latecomer');
    const code = `late-${randomBytes(3).toString('hex')}`;
    expect((await visit(code)).status).toBe(404);
    await shorten(owner, { customCode: code });
    await eventually(async () => (await visit(code)).status === 302, 5_000, 'the new code to redirect');
  });

  test('100 concurrent clicks count exactly 100, with unique visitors by address and User-Agent', async () => {
    const owner = await registerUser(supergraph, 'popular');
    const link = await shorten(owner);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, index) => visit(link.code, { headers: { 'user-agent': `${BROWSER} visitor/${index % 7}` } })));
    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(302));
    const settled = await settledClicks(link.code, 100);
    expect(settled.uniqueVisitors).toBe(7);
    // The same visitors again: more clicks, no new visitors.
    await Promise.all(Array.from({ length: 7 }, (_, index) => visit(link.code, { headers: { 'user-agent': `${BROWSER} visitor/${index}` } })));
    expect(await settledClicks(link.code, 107)).toMatchObject({ clicks: 107, uniqueVisitors: 7 });
    const stored = await sql<{ visitor: string }>(supergraph.databaseUrls['links']!, 'SELECT visitor FROM link_visitors WHERE link_id = $1', [link.id]);
    expect(stored).toHaveLength(7);
    // Hashes only: no address is stored anywhere in the row.
    for (const { visitor } of stored) expect(visitor).toMatch(/^[\w-]{22}$/);
  });

  test('requests from bots are redirected but not counted', async () => {
    const owner = await registerUser(supergraph, 'crawled');
    const link = await shorten(owner);
    for (const agent of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'curl/8.5.0', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', '']) {
      expect((await visit(link.code, { headers: { 'user-agent': agent } })).status).toBe(302);
    }
    await visit(link.code);
    expect(await settledClicks(link.code, 1)).toMatchObject({ clicks: 1, uniqueVisitors: 1 });
  });

  test('a flood of random codes never reaches the links database', async () => {
    const codes = Array.from({ length: 200 }, () => randomBytes(6).toString('base64url'));
    const statements = await supergraph.statementsDuring('links', async () => {
      for (let i = 0; i < codes.length; i += 20) await Promise.all(codes.slice(i, i + 20).map(async (code) => expect((await visit(code)).status).toBe(404)));
    });
    expect(statements).toBe(0);
  });
});

describe('stats', () => {
  test('clickHistory buckets sum to the clicks, topReferrers ranks Referer hosts, topLinks ranks links', async () => {
    const owner = await registerUser(supergraph, 'analyst');
    const link = await shorten(owner);
    const referers = ['https://news.example.com/a', 'https://NEWS.example.com/b?x=1', 'https://news.example.com/', 'https://blog.example.org/post', 'not a url', ''];
    for (const referer of referers) await visit(link.code, { headers: referer ? { referer } : {} });
    await settledClicks(link.code, referers.length);
    const stats = dataOf(
      await supergraph.request<{ link: { topReferrers: Array<{ referrer: string; clicks: number }>; hours: Array<{ start: string; clicks: number }>; days: Array<{ start: string; clicks: number }> } }>(
        `query ($code: String!, $from: DateTime) { link(code: $code) {
          topReferrers(first: 2) { referrer clicks }
          hours: clickHistory(interval: HOUR) { start clicks }
          days: clickHistory(interval: DAY, from: $from) { start clicks }
        } }`,
        { code: link.code, from: new Date(Date.now() - 40 * 86_400_000).toISOString() },
      ),
    ).link;
    expect(stats.topReferrers).toEqual([
      { referrer: 'news.example.com', clicks: 3 },
      { referrer: 'direct', clicks: 2 },
    ]);
    expect(stats.hours).toHaveLength(24);
    expect(stats.hours.reduce((sum, bucket) => sum + bucket.clicks, 0)).toBe(referers.length);
    const currentHour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    expect(stats.hours.at(-1)).toEqual({ start: currentHour, clicks: referers.length });
    expect(stats.days).toHaveLength(41);
    expect(stats.days.every((bucket) => bucket.start.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(stats.days.reduce((sum, bucket) => sum + bucket.clicks, 0)).toBe(referers.length);

    const history = (variables: Record<string, unknown>) =>
      supergraph.request('query ($code: String!, $from: DateTime, $to: DateTime) { link(code: $code) { clickHistory(interval: HOUR, from: $from, to: $to) { clicks } } }', { code: link.code, ...variables });
    expect(errorCodes(await history({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await history({ from: '2000-01-01T00:00:00Z' }))).toEqual(['BAD_USER_INPUT']);

    const top = dataOf(await supergraph.request<{ topLinks: Array<{ code: string; clicks: number }> }>('{ topLinks(first: 100) { code clicks } }')).topLinks;
    const clicks = top.map((entry) => entry.clicks);
    expect(clicks).toEqual([...clicks].sort((a, b) => b - a));
    expect(top.map((entry) => entry.code)).toContain(link.code);
    expect(errorCodes(await supergraph.request('{ topLinks(first: 101) { code } }'))).toEqual(['BAD_USER_INPUT']);
  });

  test('qrCodeSvg is an SVG QR code that decodes to shortUrl', async () => {
    const owner = await registerUser(supergraph, 'qr');
    const link = await shorten(owner);
    const { qrCodeSvg, shortUrl } = (await linkByCode(link.code, 'shortUrl qrCodeSvg')) as unknown as { qrCodeSvg: string; shortUrl: string };
    expect(qrCodeSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(jsqr.default(...rasterise(qrCodeSvg))?.data).toBe(shortUrl);
  });

  test('User.links: the owner and admins see them, newest first; anyone else sees none', async () => {
    const [owner, stranger, admin] = [await registerUser(supergraph, 'collector'), await registerUser(supergraph, 'stranger'), await registerUser(supergraph, 'linkadmin')];
    const adminToken = await makeAdmin(supergraph, admin);
    const created = [await shorten(owner), await shorten(owner), await shorten(owner)];
    const linksOf = async (token: string | undefined, first = 2) =>
      dataOf(await supergraph.request<{ user: { links: { edges: Array<{ node: { code: string } }>; pageInfo: { hasNextPage: boolean } } } }>(
        'query ($id: ID!, $first: Int) { user(id: $id) { links(first: $first) { edges { node { code } } pageInfo { hasNextPage } } } }',
        { id: owner.id, first },
        { token },
      )).user.links;
    const own = await linksOf(owner.accessToken);
    expect(own.edges.map((edge) => edge.node.code)).toEqual([created[2]!.code, created[1]!.code]);
    expect(own.pageInfo.hasNextPage).toBe(true);
    expect((await linksOf(adminToken, 10)).edges).toHaveLength(3);
    expect((await linksOf(stranger.accessToken)).edges).toEqual([]);
    expect((await linksOf(undefined)).edges).toEqual([]);
  });

  test('topLinks and User.links with owners and stats cost the same statements for 10 links as for 100', async () => {
    const owner = await registerUser(supergraph, 'prolific');
    for (let i = 0; i < 100; i += 1) await shorten(owner, { url: `https://example.com/${i}` });
    const fields = 'code clicks uniqueVisitors owner { username } topReferrers { referrer } clickHistory(interval: DAY) { clicks }';
    const once = (query: string, variables: Record<string, unknown>) => supergraph.statementsDuring('links', async () => dataOf(await supergraph.request(query, variables, { token: owner.accessToken })));
    // The code filter's periodic catch-up may land inside one measurement; it only ever adds.
    const statements = async (query: string, variables: Record<string, unknown>) => Math.min(await once(query, variables), await once(query, variables));
    const top = (first: number) => statements(`query ($first: Int) { topLinks(first: $first) { ${fields} } }`, { first });
    expect(await top(100)).toBe(await top(10));
    const owned = (first: number) => statements(`query ($id: ID!, $first: Int) { user(id: $id) { links(first: $first) { edges { node { ${fields} } } } } }`, { id: owner.id, first });
    expect(await owned(100)).toBe(await owned(10));
  });
});

describe('createLink', () => {
  test('accepts only absolute http(s) URLs of at most 2,048 characters', async () => {
    const owner = await registerUser(supergraph, 'validator');
    const refused = [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0000https://example.com',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'VBSCRIPT:msgbox(1)',
      '/relative/path',
      '//example.com/protocol-relative',
      'example.com',
      'http://',
      'https://exa mple.com',
      'ftp://example.com/file',
      'https://user:secret@example.com/',
      '',
      '   ',
      `https://example.com/${'a'.repeat(2_030)}`,
      'http://localhost:4000/s/loop1',
    ];
    for (const url of refused) {
      const result = await createLink(owner, { url });
      expect({ url, codes: errorCodes(result) }).toEqual({ url, codes: ['BAD_USER_INPUT'] });
      expect(result.errors?.[0]?.extensions?.field).toBe('url');
    }
    const accepted: Array<[string, string]> = [
      ['https://example.com', 'https://example.com/'],
      ['  HTTPS://Example.COM/Path?q=1#frag  ', 'https://example.com/Path?q=1#frag'],
      ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
      ['https://bücher.example/ä', 'https://xn--bcher-kva.example/%C3%A4'],
      [`https://example.com/${'a'.repeat(2_000)}`, `https://example.com/${'a'.repeat(2_000)}`],
    ];
    for (const [url, stored] of accepted) expect((await shorten(owner, { url })).url).toBe(stored);
    const rows = await sql<{ n: string }>(supergraph.databaseUrls['links']!, 'SELECT count(*) AS n FROM links WHERE owner_id = $1', [owner.id]);
    expect(Number(rows[0]?.n)).toBe(accepted.length);
  });

  test('customCode: 4–32 of [A-Za-z0-9_-], not reserved, and taken in any case is CONFLICT', async () => {
    const [owner, rival] = [await registerUser(supergraph, 'brander'), await registerUser(supergraph, 'rival')];
    const code = `My_Brand-${randomBytes(3).toString('hex')}`;
    const link = await shorten(owner, { customCode: code });
    expect(link.code).toBe(code);
    expect((await linkByCode(code.toLowerCase()))?.id).toBe(link.id);
    for (const taken of [code, code.toLowerCase(), code.toUpperCase()]) {
      const result = await createLink(rival, { url: 'https://example.org', customCode: taken });
      expect(errorCodes(result)).toEqual(['CONFLICT']);
      expect(result.errors?.[0]?.extensions?.field).toBe('customCode');
    }
    for (const bad of ['abc', 'a'.repeat(33), 'has space', 'dots.not', 'emoji🙂x', 'GraphQL', 'metrics', 'HEALTH', 'ready', 'assets']) {
      expect({ bad, codes: errorCodes(await createLink(rival, { url: 'https://example.org', customCode: bad })) }).toEqual({ bad, codes: ['BAD_USER_INPUT'] });
    }
    expect((await visit(code.toUpperCase())).headers.get('location')).toBe('https://example.com/landing?from=test');
  });

  test('expiresAt must be in the future; anonymous callers are UNAUTHENTICATED', async () => {
    const owner = await registerUser(supergraph, 'timekeeper');
    expect(errorCodes(await createLink(owner, { url: 'https://example.com', expiresAt: new Date(Date.now() - 1_000).toISOString() }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createLink(owner, { url: 'https://example.com', expiresAt: 'tomorrow' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createLink(undefined, { url: 'https://example.com' }))).toEqual(['UNAUTHENTICATED']);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await shorten(owner, { expiresAt: future })).expiresAt).toBe(future);
  });
});

describe('deleteLink', () => {
  test('by the owner or an admin; FORBIDDEN for others, NOT_FOUND for unknown or deleted codes', async () => {
    const [owner, other, admin] = [await registerUser(supergraph, 'deleter'), await registerUser(supergraph, 'meddler'), await registerUser(supergraph, 'moderator')];
    const adminToken = await makeAdmin(supergraph, admin);
    const [mine, theirs] = [await shorten(owner), await shorten(owner)];
    expect(errorCodes(await deleteLink(other.accessToken, mine.code))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await deleteLink(undefined, mine.code))).toEqual(['UNAUTHENTICATED']);
    expect(dataOf(await deleteLink(owner.accessToken, mine.code)).deleteLink).toBe(true);
    expect(errorCodes(await deleteLink(owner.accessToken, mine.code))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await deleteLink(owner.accessToken, 'never-was-here'))).toEqual(['NOT_FOUND']);
    expect(dataOf(await deleteLink(adminToken, theirs.code.toLowerCase())).deleteLink).toBe(true);
    expect(await linkByCode(mine.code)).toBeNull();
    expect(await linkByCode(theirs.code)).toBeNull();
    // A deleted code is never issued again.
    expect(errorCodes(await createLink(owner, { url: 'https://example.com', customCode: mine.code }))).toEqual(['CONFLICT']);
  });
});

describe('linkStatsChanged', () => {
  test('pushes the totals after clicks are recorded, with the owner from users', async () => {
    const owner = await registerUser(supergraph, 'watched');
    const link = await shorten(owner);
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const events = socket.subscribe<{ linkStatsChanged: { clicks: number; uniqueVisitors: number; link: { code: string; owner: { username: string } } } }>(
        'subscription ($code: String!) { linkStatsChanged(code: $code) { clicks uniqueVisitors link { code owner { username } } } }',
        { code: link.code },
      );
      await eventually(async () => (await channelSubscribers(supergraph.channel(`linkStatsChanged:${link.id}`))) > 0, 5_000, 'the upstream subscription');
      await visit(link.code);
      expect(await events.next()).toEqual({ data: { linkStatsChanged: { clicks: 1, uniqueVisitors: 1, link: { code: link.code, owner: { username: owner.username } } } } });
      await Promise.all(Array.from({ length: 20 }, () => visit(link.code)));
      // Coalesced: however many events arrive, the last carries every click.
      let last = await events.next();
      while (last.data?.linkStatsChanged.clicks !== 21) last = await events.next();
      expect(last.data.linkStatsChanged).toMatchObject({ clicks: 21, uniqueVisitors: 1 });
    } finally {
      await socket.dispose();
    }
  });

  test('refuses an unknown code with NOT_FOUND', async () => {
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const result = await socket.subscribe('subscription { linkStatsChanged(code: "no-such-code") { clicks } }').next();
      expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['NOT_FOUND']);
    } finally {
      await socket.dispose();
    }
  });
});

/** Draws the SVG's modules (`M{x},{y}h{n}v{n}h-{n}z` squares on white) into RGBA pixels, as jsQR reads them. */
function rasterise(svg: string): [Uint8ClampedArray, number, number] {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const [, x, y, n] of svg.matchAll(/M(\d+),(\d+)h(\d+)v\d+h-\d+z/g)) {
    for (let row = Number(y); row < Number(y) + Number(n); row += 1) {
      for (let column = Number(x); column < Number(x) + Number(n); column += 1) pixels.fill(0, (row * size + column) * 4, (row * size + column) * 4 + 3);
    }
  }
  return [pixels, size, size];
}
