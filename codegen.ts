// Resolver types for every subgraph in supergraph.yaml (`npm run generate`). Each subgraph
// maps its GraphQL types to the models its resolvers return, in its own models.ts.
import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { parse } from 'yaml';

const { subgraphs } = parse(readFileSync('supergraph.yaml', 'utf8')) as { subgraphs: Record<string, unknown> };

/** GraphQL type → model type exported by `subgraphs/<name>/models.ts`. */
const MAPPERS: Record<string, Record<string, string>> = {
  users: {
    User: 'UserModel',
    UserConnection: 'UserConnectionModel',
    UserStats: 'UserStatsModel',
    AuthPayload: 'AuthPayloadModel',
  },
  posts: {
    Post: 'PostModel',
    PostConnection: 'PostConnectionModel',
    User: 'UserReference',
  },
  likes: {
    Post: 'PostReference',
    PostConnection: 'PostConnectionModel',
    PostLikeStats: 'PostLikeStatsModel',
    User: 'UserReference',
    UserConnection: 'UserConnectionModel',
  },
};

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: Object.fromEntries(
    Object.keys(subgraphs).map((name) => [
      `subgraphs/${name}/__generated__/resolvers-types.ts`,
      {
        schema: `subgraphs/${name}/schema.graphql`,
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useTypeImports: true,
          enumsAsTypes: true,
          contextType: '../context.js#Context',
          mappers: Object.fromEntries(
            Object.entries(MAPPERS[name] ?? {}).map(([type, model]) => [type, `../models.js#${model}`]),
          ),
          scalars: { DateTime: { input: 'Date', output: 'Date' }, ID: { input: 'string', output: 'string' } },
        },
      },
    ]),
  ),
};

export default config;
