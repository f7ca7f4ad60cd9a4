import { randomBytes } from 'node:crypto';
import { Agent, request as undiciRequest } from 'undici';
import { CLICKS_PATH, RESOLVE_PATH } from '../contracts/links-internal.js';
import { INTERNAL_SECRET_HEADER } from '../platform/http/internal-caller.js';
import { eventually } from './support/eventually.js';
import { BROWSER, createLinkBy } from './support/links.js';
import { dataOf } from './support/graphql.js';
import { outcomes, signUpsFrom, signUpsOverSocketFrom } from './support/sign-ups.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

// Subgraph ports are meant for the gateway alone, but outside Kubernetes' network policies
// anyone who reaches one can call it: what a subgraph does for the gateway only, it does for
// a caller with the internal secret only.


let supergraph: TestSupergraph;
/** The secret the gateway and the subgraphs of this supergraph share (startSupergraph makes one per run). */
let secret: string;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ env: { NODE_ENV: 'production', REGISTRATIONS_PER_ADDRESS: '2' } });
  secret = supergraph.subgraphEnv['links']!['INTERNAL_SECRET']!;
}, 120_000);
afterAll(() => supergraph?.stop());

const linksRoute = (path: string): string => new URL(path, supergraph.subgraphs['links']!.url).toString();
const secretHeader = (value: string | undefined): Record<string, string> => (value === undefined ? {} : { [INTERNAL_SECRET_HEADER]: value });

describe("links' internal routes", () => {
  // One account (the sign-up limit is 2 per address here, and these come from 127.0.0.1).
  let owner: TestUser;
  beforeAll(async () => {
    owner = await registerUser(supergraph, 'links');
  });
  const createLink = (url: string) => createLinkBy(supergraph, owner, url);
  const clicksOf = async (code: string): Promise<number> =>
    dataOf(await supergraph.request<{ link: { clicks: number } }>('query ($code: String!) { link(code: $code) { clicks } }', { code })).link.clicks;

  test.each([
    ['without the secret', undefined],
    ['with a wrong secret', 'not-the-internal-secret'],
    ['with the secret in another case', () => secret.toUpperCase()],
  ] as const)('refuse a caller %s, before doing anything', async (_, sent) => {
    const value = typeof sent === 'function' ? sent() : sent;
    const resolve = await fetch(`${linksRoute(RESOLVE_PATH)}?code=abcd1234`, { headers: secretHeader(value) });
    expect(resolve.status).toBe(403);
    expect(await resolve.json()).toEqual({ error: expect.stringMatching(/x-internal-secret/) });
    // A forged batch of clicks is not recorded, for a link that exists.
    const link = await createLink('https://example.com/forged');
    const batch = { id: randomBytes(8).toString('hex'), clicks: [{ linkId: link.id, hour: 0, referrer: 'direct', visitor: 'v', count: 1_000_000 }] };
    const clicks = await fetch(linksRoute(CLICKS_PATH), { method: 'POST', headers: { 'content-type': 'application/json', ...secretHeader(value) }, body: JSON.stringify(batch) });
    expect(clicks.status).toBe(403);
    expect(await clicksOf(link.code)).toBe(0);
  });

  test('refuse a click batch over their body limit with 413 and close its connection, the rest of it unread', async () => {
    const agent = new Agent({ connections: 1 });
    try {
      const big = await undiciRequest(linksRoute(CLICKS_PATH), {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...secretHeader(secret) },
        body: JSON.stringify({ id: 'x'.repeat(5 * 1024 * 1024), clicks: [] }),
      });
      expect([big.statusCode, big.headers['connection']]).toEqual([413, 'close']);
      expect(await big.body.json()).toEqual({ error: expect.stringMatching(/at most \d+ bytes/) });
    } finally {
      await agent.close();
    }
  });

  test('answer the gateway, which has the secret', async () => {
    const resolve = await fetch(`${linksRoute(RESOLVE_PATH)}?code=abcd1234`, { headers: secretHeader(secret) });
    expect(resolve.status).toBe(200);
    expect(await resolve.json()).toEqual({ status: 'unknown' });
  });

  test('so the public redirect keeps working end to end: 302, and the click is counted', async () => {
    const link = await createLink('https://example.com/landing');
    const response = await fetch(new URL(`/s/${link.code}`, supergraph.gatewayUrl), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect([response.status, response.headers.get('location')]).toEqual([302, 'https://example.com/landing']);
    await eventually(async () => (await clicksOf(link.code)) === 1, 10_000, 'the click counted');
    expect((await fetch(new URL('/s/nosuchcode', supergraph.gatewayUrl), { redirect: 'manual' })).status).toBe(404);
  });
});

describe('X-Forwarded-For on a subgraph port', () => {
  const register = async (url: string, from: string, count: number, headers: () => Record<string, string>): Promise<string[]> =>
    outcomes(await signUpsFrom(url, from, count, { headers, prefix: 'xff' }));
  const spoofed = (): Record<string, string> => ({ 'x-forwarded-for': `203.0.113.${1 + (randomBytes(1)[0]! % 250)}, 198.51.100.${randomBytes(1)[0]! % 250}` });
  const usersUrl = (): string => supergraph.subgraphs['users']!.url;

  test('from a direct caller is ignored: a new spoofed address per request still counts against its real address', async () => {
    // REGISTRATIONS_PER_ADDRESS is 2 here.
    expect(await register(usersUrl(), '127.0.0.31', 4, spoofed)).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  test('beside a wrong secret, likewise', async () => {
    expect(await register(usersUrl(), '127.0.0.32', 3, () => ({ ...spoofed(), [INTERNAL_SECRET_HEADER]: 'not-the-internal-secret' }))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });

  test('from the gateway (with the secret) names the client: clients behind one gateway each have their own quota', async () => {
    // Through the gateway, every registration reaches users from the gateway's address; each
    // counts against the client's own address, which the gateway forwards.
    expect(await register(supergraph.gatewayUrl, '127.0.0.33', 3, () => ({}))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    expect(await register(supergraph.gatewayUrl, '127.0.0.34', 2, () => ({}))).toEqual(['ok', 'ok']);
    // The same holds for any caller with the secret.
    expect(await register(usersUrl(), '127.0.0.35', 2, () => ({ 'x-forwarded-for': '192.0.2.77', [INTERNAL_SECRET_HEADER]: secret }))).toEqual(['ok', 'ok']);
    expect(await register(usersUrl(), '127.0.0.35', 1, () => ({ 'x-forwarded-for': '192.0.2.78', [INTERNAL_SECRET_HEADER]: secret }))).toEqual(['ok']);
  });

  test('from the gateway names the client for mutations over its WebSocket too: each client has its own quota', async () => {
    expect(outcomes(await signUpsOverSocketFrom(supergraph.gatewayUrl, '127.0.0.36', 3, { prefix: 'xff' }))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    expect(outcomes(await signUpsOverSocketFrom(supergraph.gatewayUrl, '127.0.0.37', 2, { prefix: 'xff' }))).toEqual(['ok', 'ok']);
  });
});
