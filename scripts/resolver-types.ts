import type { CodegenConfig } from '@graphql-codegen/cli';
import type { SubgraphManifest } from '../platform/subgraph/manifest.js';

/**
 * GraphQL Code Generator's configuration: for each subgraph, resolver types generated from
 * its `schema.graphql` into `subgraphs/<name>/__generated__/resolvers-types.ts`, mapping
 * each GraphQL type to the model its resolvers return (the manifest's mappers, exported by
 * its `models.ts`).
 */
export function resolverTypesConfig(manifests: SubgraphManifest[]): CodegenConfig {
  return {
    overwrite: true,
    silent: true,
    generates: Object.fromEntries(
      manifests.map(({ name, mappers }) => [
        `subgraphs/${name}/__generated__/resolvers-types.ts`,
        {
          schema: `subgraphs/${name}/schema.graphql`,
          plugins: ['typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useTypeImports: true,
            enumsAsTypes: true,
            contextType: '../context.js#Context',
            mappers: Object.fromEntries(Object.entries(mappers).map(([type, model]) => [type, `../models.js#${model}`])),
            scalars: { DateTime: { input: 'Date', output: 'Date' }, ID: { input: 'string', output: 'string' } },
          },
        },
      ]),
    ),
  };
}
