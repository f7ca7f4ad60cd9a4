import { createHash, randomBytes } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { TEST_REDIS_URL } from './support/env.js';
import { eventually } from './support/eventually.js';
import { dataOf, errorCodes, graphql } from './support/graphql.js';
import type { GraphQLResult } from './support/graphql.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import { openSocket } from './support/ws.js';

/** A client address of its own per test (the gateway trusts one proxy hop here), so quotas do not mix. */
const address = (): string => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}-${randomBytes(3).toString('hex')}`;
const from = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResult<unknown> & { headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
}

const ALLOWED_ORIGIN = 'https://app.example';

/** How many operations the gateway at `gatewayUrl` has refused by `limit` (graphql_operations_rejected_total). */
async function rejectedBy(gatewayUrl: string, limit: string): Promise<number> {
  const metrics = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  return Number(new RegExp(`graphql_operations_rejected_total\\{[^}]*limit="${limit}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
}

describe('the gateway in production, under attack', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph({
      env: { NODE_ENV: 'production' },
      gatewayEnv: {
        TRUSTED_PROXY_HOPS: '1',
        CORS_ORIGINS: ALLOWED_ORIGIN,
        WS_MAX_SOCKETS_PER_CLIENT: '3',
        WS_MAX_SUBSCRIPTIONS_PER_CLIENT: '4',
        RATE_LIMIT_MAX: '40',
        RATE_LIMIT_WINDOW_SECONDS: '3600',
        MAX_RESPONSE_BYTES: '4096',
      },
    });
  }, 120_000);
  afterAll(() => supergraph.stop());

  const request = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = from(address())) =>
    post(supergraph.gatewayUrl, { query, variables }, headers);

  describe('1. no schema hints', () => {
    const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
    const misspelt = { input: { usernme: 'someone', email: 'someone@example.com', password: 'correct horse battery staple' } };

    test('a misspelt input field over HTTP gets no "Did you mean"', async () => {
      const result = await request(REGISTER, misspelt);
      expect(errorCodes(result)).toContain('BAD_USER_INPUT');
      expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean/);
    });

    test('nor over WebSocket', async () => {
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        const result = await socket.subscribe(REGISTER, misspelt).next();
        expect(result.errors?.map((error) => error.extensions?.['code'])).toContain('BAD_USER_INPUT');
        expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean/);
      } finally {
        await socket.dispose();
      }
    });
  });

  describe('3. client mistakes are never 500', () => {
    test('two operations without operationName', async () => {
      const result = await request('query A { me { id } } query B { me { id } }');
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });

    test('an unknown operationName', async () => {
      const result = await post(supergraph.gatewayUrl, { query: 'query A { me { id } }', operationName: 'Nope' }, from(address()));
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });

    test('an APQ hash that does not match, and an unsupported APQ version', async () => {
      const mismatch = await post(supergraph.gatewayUrl, { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, from(address()));
      expect(mismatch.status).toBe(400);
      expect(errorCodes(mismatch)).toEqual(['BAD_USER_INPUT']);
      const version = await post(supergraph.gatewayUrl, { query: '{ me { id } }', extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } }, from(address()));
      expect(version.status).toBe(400);
      expect(errorCodes(version)).toEqual(['BAD_USER_INPUT']);
    });

    test('an APQ miss keeps PERSISTED_QUERY_NOT_FOUND, and the full query then registers it', async () => {
      const query = `{ me { id } } # ${randomBytes(4).toString('hex')}`;
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const miss = await post(supergraph.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash } } }, from(address()));
      expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const registered = await post(supergraph.gatewayUrl, { query, extensions: { persistedQuery: { version: 1, sha256Hash } } }, from(address()));
      expect(registered.errors).toBeUndefined();
    });
  });

  describe('4. parser limits before work', () => {
    // Each document also holds a syntax error the parser would report first (`!` where a
    // field belongs): only a refusal made before parsing can answer with the limit's message.
    const limitCases: Array<[string, string, RegExp]> = ([
      // The planner's stack overflowed on these (a 500); now the first limit they meet is their length.
      ['2,000 nested inline fragments', `{ ${'... on Query { '.repeat(2_000)}nope${' }'.repeat(2_000)} }`, /^The document is longer than 15000 characters/],
      ['101 nested inline fragments', `{ ${'... on Query { '.repeat(101)}nope${' }'.repeat(101)} }`, /^The document nests more than 100 levels/],
      ['1,001 tokens', `{ me { ${'id '.repeat(1_000)}} }`, /^The document has more than 1000 tokens/],
      ['51 directives', `{ me { id ${'@include(if: true) '.repeat(51)}} }`, /^The document has more than 50 directives/],
      ['16 aliases', `{ ${Array.from({ length: 16 }, (_, index) => `a${index}: nope`).join(' ')} }`, /^The document has more than 15 aliases/],
      ['15,001 characters', `{ nope } #${'x'.repeat(15_000)}`, /^The document is longer than 15000 characters/],
    ] as Array<[string, string, RegExp]>).map(([label, query, message]) => [label, query.replace(/^\{/, '{ !'), message]);

    test('those documents are syntax errors once under the limits', async () => {
      const result = await request('{ ! me { id } }');
      expect(result.errors?.[0]?.message).toMatch(/^Syntax Error/);
    });

    test.each(limitCases)('%s are refused over HTTP with BAD_USER_INPUT before parsing, and no subgraph is asked', async (_label, query, message) => {
      const statements = await supergraph.statementsDuring('users', async () => {
        const result = await request(query);
        expect(result.status).toBe(400);
        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0]?.message).toMatch(message);
      });
      expect(statements).toBe(0);
    });

    test.each(limitCases)('%s are refused over WebSocket the same way', async (_label, query, message) => {
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        const result = await socket.subscribe(query).next();
        expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0]?.message).toMatch(message);
      } finally {
        await socket.dispose();
      }
    });

    test('a GET request is checked too', async () => {
      const url = new URL(supergraph.gatewayUrl);
      url.searchParams.set('query', `{ me { id ${'@include(if: true) '.repeat(51)}} }`);
      const response = await fetch(url, { headers: { ...from(address()), 'apollo-require-preflight': 'true' } });
      const result = (await response.json()) as GraphQLResult<unknown>;
      expect(response.status).toBe(400);
      expect(result.errors?.[0]?.message).toMatch(/^The document has more than 50 directives/);
    });

    test('101 nested fragment spreads (no nested braces, under the token limit) are refused before planning', async () => {
      // Fragment spreads nest no braces: 1,000 of them took the planner 8 s of CPU.
      const chain = Array.from({ length: 101 }, (_, index) => `fragment F${index} on Query { ${index < 100 ? `...F${index + 1}` : '__typename'} }`).join(' ');
      const result = await request(`{ ...F0 } ${chain}`);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(/nests selections more than 100 levels deep/);
    });

    test('a subscription nested 2,000 inline fragments deep is refused over WebSocket', async () => {
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        const result = await socket.subscribe(`subscription { ${'... on Subscription { '.repeat(2_000)}__typename${' }'.repeat(2_000)} }`).next();
        expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
      } finally {
        await socket.dispose();
      }
    });

    test('an ordinary query passes every limit, over HTTP and WebSocket', async () => {
      const query = '{ publicTimeline(first: 5) { edges { node { id body author { username } } } } }';
      expect((await request(query)).errors).toBeUndefined();
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        expect((await socket.subscribe(query).next()).errors).toBeUndefined();
      } finally {
        await socket.dispose();
      }
    });

    test('a refusal is counted once, over HTTP and over WebSocket', async () => {
      const directives = (): Promise<number> => rejectedBy(supergraph.gatewayUrl, 'directives');
      const query = `{ me { id ${'@include(if: true) '.repeat(51)}} }`;
      const before = await directives();
      await request(query);
      expect(await directives()).toBe(before + 1);
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        await socket.subscribe(query).next();
      } finally {
        await socket.dispose();
      }
      expect(await directives()).toBe(before + 2);
    });

    test('the refusals are counted by limit', async () => {
      const metrics = await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text();
      for (const limit of ['nesting', 'tokens', 'directives', 'aliases', 'characters']) expect(metrics).toMatch(new RegExp(`graphql_operations_rejected_total\\{[^}]*limit="${limit}"[^}]*\\} [1-9]`));
    });
  });

  describe('7. mutation amplification', () => {
    const registers = (count: number): string =>
      `mutation { ${Array.from({ length: count }, (_, index) => `r${index}: register(input: { username: "amp_${randomBytes(3).toString('hex')}_${index}", email: "amp${index}_${randomBytes(3).toString('hex')}@example.com", password: "correct horse battery staple" }) { accessToken }`).join(' ')} }`;

    // 50 aliases break the alias limit (15) before the mutation-field limit is reached; 11
    // (under the alias limit) show the mutation-field limit on its own.
    test.each([
      [50, /^The document has more than 15 aliases/],
      [11, /at most 10 mutation fields/],
    ])('%i aliased registers create no account', async (count, message) => {
      const statements = await supergraph.statementsDuring('users', async () => {
        const result = await request(registers(count));
        expect(result.status).toBe(400);
        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0]?.message).toMatch(message);
      });
      expect(statements).toBe(0);
    });
  });

  describe('8. fair subscription quotas', () => {
    const SUBSCRIPTION = 'subscription ($id: ID!) { userStatsChanged(userId: $id) { followersCount } }';

    test('one address cannot take every socket: its fourth is closed, another address still connects', async () => {
      const greedy = address();
      const sockets = [1, 2, 3].map(() => openSocket(supergraph.gatewayUrl, { headers: from(greedy) }));
      try {
        // A query round-trip proves each socket was accepted.
        for (const socket of sockets) expect((await socket.subscribe('{ __typename }').next()).data).toEqual({ __typename: 'Query' });
        const before = await rejectedBy(supergraph.gatewayUrl, 'sockets');
        const fourth = openSocket(supergraph.gatewayUrl, { headers: from(greedy) });
        expect((await fourth.closed).code).toBe(4429);
        expect(await rejectedBy(supergraph.gatewayUrl, 'sockets')).toBe(before + 1);
        const other = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
        try {
          expect((await other.subscribe('{ __typename }').next()).data).toEqual({ __typename: 'Query' });
        } finally {
          await other.dispose();
        }
      } finally {
        await Promise.all(sockets.map((socket) => socket.dispose()));
      }
    });

    test('one address cannot fill the distinct subscriptions: its fifth is RATE_LIMITED, another address still subscribes', async () => {
      const user = await registerUser(supergraph, 'quota');
      const greedy = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      const fair = openSocket(supergraph.gatewayUrl, { headers: from(address()) });
      try {
        // Distinct variables: distinct topics, as the attack opened them.
        const held = [1, 2, 3, 4].map((index) => greedy.subscribe(`${SUBSCRIPTION.replace('followersCount', `followersCount n${index}: followingCount`)}`, { id: user.id }));
        const before = await rejectedBy(supergraph.gatewayUrl, 'subscriptions');
        const fifth = await greedy.subscribe(SUBSCRIPTION, { id: user.id }).next();
        expect(fifth.errors?.map((error) => error.extensions?.['code'])).toEqual(['RATE_LIMITED']);
        expect(await rejectedBy(supergraph.gatewayUrl, 'subscriptions')).toBe(before + 1);
        for (const subscription of held) expect(subscription.results.filter((result) => result.errors)).toEqual([]);
        const own = fair.subscribe(SUBSCRIPTION, { id: user.id });
        await follow(user.id);
        expect((await own.next(15_000)).data).toEqual({ userStatsChanged: { followersCount: 1 } });
      } finally {
        await Promise.all([greedy.dispose(), fair.dispose()]);
      }
    });

    async function follow(id: string): Promise<void> {
      const fan = await registerUser(supergraph, 'fan');
      dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($id: ID!) { follow(userId: $id) { id } }', { id }, { token: fan.accessToken }));
    }
  });

  describe('request bodies', () => {
    test('a body over 1 MiB gets 413, counted as a refusal by the body_bytes limit', async () => {
      const before = await rejectedBy(supergraph.gatewayUrl, 'body_bytes');
      const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...from(address()) }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1024 * 1024)}` }) });
      expect(response.status).toBe(413);
      expect(await rejectedBy(supergraph.gatewayUrl, 'body_bytes')).toBe(before + 1);
    });
  });

  describe('9. a response-size budget for HTTP', () => {
    test('a request whose answer passes the budget gets BAD_USER_INPUT instead of the bytes', async () => {
      const user = await registerUser(supergraph, 'budget');
      dataOf(await graphql(supergraph.gatewayUrl, 'mutation ($bio: String!) { updateProfile(input: { bio: $bio }) { id } }', { bio: 'b'.repeat(500) }, { token: user.accessToken }));
      const query = `{ ${Array.from({ length: 10 }, (_, index) => `u${index}: userByUsername(username: "${user.username}") { bio }`).join(' ')} }`;
      const result = await post(supergraph.gatewayUrl, { query }, { ...from(address()), authorization: `Bearer ${user.accessToken}` });
      expect(errorCodes(result)).toContain('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/larger than 4096 bytes/);
      expect(JSON.stringify(result.data ?? null)).not.toMatch(/bbbbbbbbbb/);
    });
  });

  describe('11. rate limiting', () => {
    test('requests with a forged token count against their address too', async () => {
      const forger = address();
      const results = [];
      for (let index = 0; index < 41; index += 1) results.push(await request('{ __typename }', {}, { ...from(forger), authorization: 'Bearer not.a.token' }));
      expect(results.slice(0, 40).every((result) => result.status === 401)).toBe(true);
      expect(results[40]!.status).toBe(429);
    });

    test('past RATE_LIMIT_MAX an address gets RATE_LIMITED, HTTP 429 and Retry-After; another address does not; the counters are in Redis', async () => {
      const busy = address();
      const results = [];
      for (let index = 0; index < 41; index += 1) results.push(await request('{ __typename }', {}, from(busy)));
      expect(results.slice(0, 40).every((result) => result.status === 200)).toBe(true);
      const refused = results[40]!;
      expect(refused.status).toBe(429);
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      const retryAfter = refused.errors?.[0]?.extensions?.['retryAfterSeconds'];
      expect(typeof retryAfter).toBe('number');
      expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
      expect((await request('{ __typename }')).status).toBe(200);
      const socket = openSocket(supergraph.gatewayUrl, { headers: from(busy) });
      try {
        expect((await socket.subscribe('{ __typename }').next()).errors?.map((error) => error.extensions?.['code'])).toEqual(['RATE_LIMITED']);
      } finally {
        await socket.dispose();
      }
      const redis = new Redis(TEST_REDIS_URL);
      try {
        expect((await redis.keys(`${supergraph.redisPrefix}:rate:*${busy}`)).length).toBe(1);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('12. WebSocket origins', () => {
    const handshake = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(supergraph.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { origin, ...from(address()) } });
        // ws also emits 'error' when a handshake is refused; the status is what this test reads.
        socket.on('error', () => {});
        socket.once('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('open', () => {
          resolve(101);
          socket.close();
        });
      });

    test('a page from an origin CORS_ORIGINS does not list cannot open a socket; a listed one can', async () => {
      expect(await handshake('https://evil.example')).toBe(403);
      expect(await handshake(ALLOWED_ORIGIN)).toBe(101);
    });
  });

  describe('15. subgraphs apply limits of their own', () => {
    test('2,500 aliased counts sent straight to a subgraph are refused', async () => {
      const query = `{ ${Array.from({ length: 2_500 }, (_, index) => `c${index}: users { totalCount }`).join(' ')} }`;
      const result = await graphql(supergraph.subgraphs['users']!.url, query);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });

    test('and over the subgraph\'s WebSocket, as are too many tokens', async () => {
      const counts = `{ ${Array.from({ length: 2_500 }, (_, index) => `c${index}: users { totalCount }`).join(' ')} }`;
      const tokens = `{ ${'__typename '.repeat(50_001)}}`;
      const socket = openSocket(supergraph.subgraphs['users']!.url);
      try {
        const wide = await socket.subscribe(counts).next(30_000);
        expect(wide.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
        expect(wide.errors?.[0]?.message).toMatch(/more than 2000 fields/);
        const long = await socket.subscribe(tokens).next(30_000);
        expect(long.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
        expect(long.errors?.[0]?.message).toMatch(/more that 50000 tokens/);
        // The socket still serves what is within the limits.
        expect((await socket.subscribe('{ users { totalCount } }').next()).errors).toBeUndefined();
      } finally {
        await socket.dispose();
      }
    });

    test('so is a query nested too deep', async () => {
      const deep = `{ me { ${'followers { edges { node { '.repeat(8)}id${' } } }'.repeat(8)} } }`;
      const result = await graphql(supergraph.subgraphs['users']!.url, deep);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });
  });
});

describe('the gateway in development (introspection on)', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph({ env: { NODE_ENV: 'development' }, gatewayEnv: { WS_MAX_BUFFERED_BYTES: '65536' } });
  }, 120_000);
  afterAll(() => supergraph.stop());

  describe('10. introspection counts against the field limit', () => {
    // Sandbox asks for every option graphql-js offers: the largest introspection query a tool sends.
    const SANDBOX_INTROSPECTION = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });

    test('Sandbox\'s introspection query passes, over HTTP and WebSocket', async () => {
      const result = await supergraph.request(SANDBOX_INTROSPECTION);
      expect(result.errors).toBeUndefined();
      const socket = openSocket(supergraph.gatewayUrl);
      try {
        expect((await socket.subscribe(SANDBOX_INTROSPECTION).next()).errors).toBeUndefined();
      } finally {
        await socket.dispose();
      }
    });

    test('an introspection query selecting more than 2,000 fields is refused', async () => {
      const query = `{ __schema { types { ${'...T '.repeat(300)}} } } fragment T on __Type { name kind description specifiedByURL fields { name } interfaces { name } }`;
      const result = await supergraph.request(query);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(/more than 2000 fields/);
    });
  });

  describe('9. bounded memory per socket for queries', () => {
    test('a client that reads none of its query results gets RATE_LIMITED instead of more results', async () => {
      const socket = new WebSocket(supergraph.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
      // Only what the test checks is kept: the results themselves are megabytes.
      const messages: Array<{ type: string; code?: string | undefined }> = [];
      let onMessage: () => void = () => {};
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: { errors?: Array<{ extensions?: { code?: string } }> } };
        messages.push({ type: message.type, code: message.payload?.errors?.[0]?.extensions?.code });
        onMessage();
      });
      const until = (done: () => boolean) =>
        new Promise<void>((resolve) => {
          onMessage = () => done() && resolve();
          onMessage();
        });
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await until(() => messages.some((message) => message.type === 'connection_ack'));
      // Stop reading: results pile up in the kernel's socket buffers, then in the gateway's.
      (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      // No more than a socket may have in flight at once (gateway/websocket.ts): graphql-ws
      // keeps an operation in flight until its result is written, so an unread socket holds
      // every one of them and a 101st would be refused before it ran.
      const count = 100;
      // 8.6 MB in all (86 kB each): more than the kernel's socket buffers take (about 4 MB
      // here) before the gateway's own buffer grows.
      const query = getIntrospectionQuery().replace('query IntrospectionQuery', 'query Unread');
      for (let index = 0; index < count; index += 1) socket.send(JSON.stringify({ id: String(index), type: 'subscribe', payload: { query } }));
      // The gateway has answered every one (its request metric says so) while the client read nothing; then it reads.
      const answered = async (): Promise<number> => {
        const metrics = await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text();
        return Number(/graphql_request_duration_seconds_count\{[^}]*operation_name="Unread"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
      };
      await eventually(async () => (await answered()) >= count, 90_000, 'every unread query answered');
      (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.resume();
      await until(() => messages.filter((message) => message.type === 'complete').length === count);
      const results = messages.filter((message) => message.type === 'next');
      expect(results).toHaveLength(count);
      expect(results.filter((message) => message.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
      expect(await rejectedBy(supergraph.gatewayUrl, 'unread_bytes')).toBe(results.filter((message) => message.code === 'RATE_LIMITED').length);
      expect(results.filter((message) => message.code === undefined).length).toBeGreaterThan(0);
      socket.close();
    }, 120_000);
  });
});
