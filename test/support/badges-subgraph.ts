import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { SubgraphEntry } from '../../platform/supergraph-config.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") {
  id: ID!
  "A label derived from the id, served by this second subgraph."
  badge: String!
}
`;

export interface BadgesSubgraph {
  /** For startTestSupergraph's extraSubgraphs: composes User.badge into the supergraph. */
  entry: SubgraphEntry;
  /** Requests (entity fetches) received so far. */
  fetches: number;
  /** While true, resolving a badge fails. */
  failing: boolean;
  stop(): Promise<void>;
}

/**
 * A second subgraph for gateway tests: a field on User that the users subgraph cannot
 * resolve, so a subscription selecting it needs the rest of its plan, which this counts
 * and can make fail.
 */
export async function startBadgesSubgraph(): Promise<BadgesSubgraph> {
  const state = { fetches: 0, failing: false };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(SDL),
      resolvers: {
        User: {
          __resolveReference: (reference: { id: string }) => reference,
          badge: ({ id }: { id: string }) => {
            if (state.failing) throw new GraphQLError('The badge could not be made.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
            return `badge-${id.slice(-4)}`;
          },
        },
      },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled(), { requestDidStart: async () => void (state.fetches += 1) }],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  const schemaFile = join(mkdtempSync(join(tmpdir(), 'badges-')), 'schema.graphql');
  writeFileSync(schemaFile, SDL);
  return Object.assign(state, { entry: { name: 'badges', routingUrl: url, schemaFile }, stop: () => server.stop() });
}
