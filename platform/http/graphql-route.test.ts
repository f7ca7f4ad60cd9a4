import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { graphqlHandler } from './graphql-route.js';

let apollo: ApolloServer<{ made: number }>;
let server: Server;
let url: string;
let contextsMade = 0;

beforeAll(async () => {
  apollo = new ApolloServer<{ made: number }>({ typeDefs: 'type Query { double(n: Int!): Int! }', resolvers: { Query: { double: (_: unknown, { n }: { n: number }) => 2 * n } } });
  await apollo.start();
  const context = async () => ({ made: (contextsMade += 1) });
  // A direct path that makes the context, then leaves the request to Apollo Server, as the
  // subgraphs' does when the variables do not coerce.
  const direct = async (_request: unknown, _body: unknown, made: () => Promise<unknown>) => {
    await made();
    return undefined;
  };
  const handler = graphqlHandler(apollo, context, { bodyLimit: 1024, tracerName: 'graphql-route-test' }, direct);
  server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await apollo.stop();
});

test('a request the direct path leaves to Apollo Server is answered with the context the direct path made', async () => {
  const ask = async (variables: Record<string, unknown>) => {
    const before = contextsMade;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query ($n: Int!) { double(n: $n) }', variables }) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> }, made: contextsMade - before };
  };
  expect(await ask({ n: 21 })).toEqual({ status: 200, body: { data: { double: 42 } }, made: 1 });
  const refused = await ask({ n: 'twenty-one' });
  expect(refused.status).toBe(400);
  expect(refused.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  expect(refused.made).toBe(1);
});
