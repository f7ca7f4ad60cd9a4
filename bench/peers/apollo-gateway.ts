// Peer for bench/gateways.ts: plain `@apollo/gateway` under Apollo Server's standalone HTTP
// server, configured as their docs show, plus the documented `willSendRequest` that forwards
// the client's Authorization header (the subgraphs authorize each viewer themselves).
//
//   node --import tsx bench/peers/apollo-gateway.ts <supergraph.graphql> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

interface Context {
  authorization: string | undefined;
}

const [supergraphPath = '', port = '0'] = process.argv.slice(2);
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<Context>({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http?.headers.set('authorization', context.authorization);
      },
    }),
});
const server = new ApolloServer<Context>({ gateway });
await startStandaloneServer(server, {
  listen: { port: Number(port), host: '127.0.0.1' },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
process.on('SIGTERM', () => process.exit(0));
