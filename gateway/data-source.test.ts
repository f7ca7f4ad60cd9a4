import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFetcher, SubgraphDataSource } from './data-source.js';
import type { GatewayContext } from './context.js';

type Options = Parameters<SubgraphDataSource['process']>[0];

/** A subgraph stand-in on a real port that answers after `delayMs` and counts requests. */
async function slowSubgraph(delayMs: number): Promise<{ server: Server; url: string; requests: Array<{ authorization?: string; body: string }> }> {
  const requests: Array<{ authorization?: string; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ authorization: request.headers.authorization, body });
      setTimeout(() => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ data: { users: { totalCount: requests.length } } }));
      }, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, requests };
}

const options = (query: string, authorization?: string): Options => {
  const context: GatewayContext = { viewer: null, authorization };
  return {
    kind: 'incoming operation',
    request: { query, variables: {}, http: { method: 'POST', url: '', headers: new Headers() } },
    incomingRequestContext: { context } as never,
    context,
  } as unknown as Options;
};

let subgraph: Awaited<ReturnType<typeof slowSubgraph>>;
let fetcher: ReturnType<typeof createFetcher>;
beforeEach(async () => {
  subgraph = await slowSubgraph(100);
  fetcher = createFetcher(2_000);
});
afterEach(async () => {
  subgraph.server.close();
  await fetcher.close();
});

test('identical concurrent queries share one fetch, and each gets its own objects', async () => {
  const source = new SubgraphDataSource({ url: subgraph.url, fetcher: fetcher.fetcher });
  const results = await Promise.all([1, 2, 3].map(() => source.process(options('{ users { totalCount } }', 'Bearer a'))));
  expect(subgraph.requests).toHaveLength(1);
  expect(results.map((result) => result.data)).toEqual([1, 2, 3].map(() => ({ users: { totalCount: 1 } })));
  expect(results[0]?.data).not.toBe(results[1]?.data);
  expect(results[1]?.data).not.toBe(results[2]?.data);
  expect(subgraph.requests[0]?.authorization).toBe('Bearer a');
});

test('queries with other credentials, and mutations, are never shared', async () => {
  const source = new SubgraphDataSource({ url: subgraph.url, fetcher: fetcher.fetcher });
  await Promise.all([
    source.process(options('{ users { totalCount } }', 'Bearer a')),
    source.process(options('{ users { totalCount } }', 'Bearer b')),
    source.process(options('mutation { logout(refreshToken: "x") }', 'Bearer a')),
    source.process(options('mutation { logout(refreshToken: "x") }', 'Bearer a')),
  ]);
  expect(subgraph.requests).toHaveLength(4);
});

test('a subgraph that does not answer in time fails the fetch instead of hanging', async () => {
  const hung = await slowSubgraph(5_000);
  const quick = createFetcher(200);
  const source = new SubgraphDataSource({ url: hung.url, fetcher: quick.fetcher });
  const started = Date.now();
  await expect(source.process(options('{ users { totalCount } }'))).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(2_000);
  hung.server.closeAllConnections();
  hung.server.close();
  await quick.close();
});
