import { Readable } from 'node:stream';
import { Agent, request as undiciRequest } from 'undici';
import { errorCodes, graphql } from './support/graphql.js';
import { openSocket } from './support/ws.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';

describe('in development', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => supergraph.stop());

  test.each([
    ['a literal', '{ users(first: 101) { totalCount } }', {}],
    ['a variable', 'query ($n: Int) { users(first: $n) { totalCount } }', { n: 1000 }],
    ['a variable default', 'query ($n: Int = 500) { users(first: $n) { totalCount } }', {}],
    ['a nested field', '{ users(first: 1) { edges { node { followers(first: 200) { totalCount } } } } }', {}],
  ])('first above 100 in %s is BAD_USER_INPUT before any subgraph is asked', async (_label, query, variables) => {
    const statements = await supergraph.statementsDuring('users', async () => {
      const result = await supergraph.request(query, variables);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(/first must be at most 100/);
    });
    expect(statements).toBe(0);
  });

  test('first of exactly 100 is allowed', async () => {
    expect((await supergraph.request('{ users(first: 100) { totalCount } }')).errors).toBeUndefined();
  });

  test('CSRF prevention refuses simple requests a browser could send cross-site', async () => {
    const textPlain = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' });
    expect(textPlain.status).toBe(400);
    const simpleGet = await fetch(`${supergraph.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/Cross-Site Request Forgery/);
    const preflightedGet = await fetch(`${supergraph.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflightedGet.status).toBe(200);
  });

  test('a mutation over GET is refused', async () => {
    const response = await fetch(`${supergraph.gatewayUrl}?query=${encodeURIComponent('mutation { logout(refreshToken: "x") }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
  });

  test('browsers get CORS headers and preflights are answered', async () => {
    const preflight = await fetch(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  test('Apollo Sandbox answers a browser at /graphql', async () => {
    const response = await fetch(supergraph.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  test('a malformed body is BAD_USER_INPUT, not a crash', async () => {
    const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  test('an oversized body is refused with 413, and the keep-alive connection does not carry the rest', async () => {
    const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
    try {
      const big = await undiciRequest(supergraph.gatewayUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(2 * 1024 * 1024)}` }),
      });
      expect(big.statusCode).toBe(413);
      await big.body.dump();
      const next = await undiciRequest(supergraph.gatewayUrl, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
      expect(next.statusCode).toBe(200);
      expect(await next.body.json()).toEqual({ data: { me: null } });
    } finally {
      await agent.close();
    }
  });

  test('an oversized body streamed without a length is refused with 413 once it passes the limit', async () => {
    const chunk = Buffer.from(`${'x'.repeat(64 * 1024 - 1)}\n`);
    async function* upload(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"query":"{ me { id } } #');
      // 2 MiB, twice the limit; the server stops reading after the first.
      for (let sent = 0; sent < 32; sent += 1) yield chunk;
      yield Buffer.from('"}');
    }
    const agent = new Agent({ connections: 1 });
    try {
      const big = await undiciRequest(supergraph.gatewayUrl, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: Readable.from(upload()) });
      expect(big.statusCode).toBe(413);
      expect(big.headers['connection']).toBe('close');
      expect(((await big.body.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await agent.close();
    }
  });

  test('an operation that could return too many nodes is refused before any subgraph is asked', async () => {
    const result = await supergraph.request('{ publicTimeline(first: 100) { edges { node { likers(first: 100) { edges { node { followers(first: 100) { totalCount } } } } } } } }');
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  test('health answers', async () => {
    const response = await fetch(new URL('/health', supergraph.gatewayUrl));
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('in production', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => supergraph.stop());

  test('introspection is off and validation errors give no hints about the schema', async () => {
    const introspection = await supergraph.request('{ __schema { types { name } } }');
    expect(errorCodes(introspection)).toEqual(['BAD_USER_INPUT']);
    const typo = await supergraph.request('{ userz { totalCount } }');
    expect(errorCodes(typo)).toEqual(['BAD_USER_INPUT']);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  test('over WebSocket too, validation errors give no hints about the schema', async () => {
    const socket = openSocket(supergraph.gatewayUrl);
    try {
      const result = await socket.subscribe('subscription { userStatsChanged(userId: "x") { followersCont } }').next();
      expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(/Cannot query field "followersCont"/);
      expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
    } finally {
      await socket.dispose();
    }
  });

  test('Sandbox is off', async () => {
    const response = await fetch(supergraph.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  test('a subgraph that is down costs an error, masked, and the gateway stays up', async () => {
    await supergraph.subgraphs['users']!.stop();
    const result = await graphql(supergraph.gatewayUrl, '{ users { totalCount } }');
    expect(result.status).toBe(200);
    expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(result.errors?.[0]?.message).toBe('Internal server error');
    expect(Object.keys(result.errors?.[0]?.extensions ?? {})).toEqual(['code']);
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|users/);
    expect((await fetch(new URL('/health', supergraph.gatewayUrl))).status).toBe(200);
  });
});
