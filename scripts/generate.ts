// `npm run generate`: every domain's Prisma client and every subgraph's resolver types.
// Skipped when none of their inputs changed since the last run, so `npm start` stays quick.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { inputStamp } from './input-stamp.js';

const run = promisify(execFile);

const domains = readdirSync('prisma').filter((name) => existsSync(`prisma/${name}/schema.prisma`));
const subgraphs = readSupergraphConfig().map(({ name }) => name);
const inputs = [
  ...domains.map((name) => `prisma/${name}/schema.prisma`),
  ...subgraphs.flatMap((name) => [`subgraphs/${name}/schema.graphql`, `subgraphs/${name}/manifest.ts`]),
  'scripts/resolver-types.ts',
  'supergraph.yaml',
  'package-lock.json',
];
const outputs = [...domains.map((name) => `prisma/${name}/generated/client.ts`), ...subgraphs.map((name) => `subgraphs/${name}/__generated__/resolvers-types.ts`)];

const stamp = inputStamp('generate', inputs, outputs);

if (stamp.fresh) {
  console.log('generate: up to date');
} else {
  // `prisma generate` never runs the schema engine, but the CLI insists on a path to one
  // and would otherwise try to download it (DESIGN.md): any existing file will do.
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  await Promise.all(
    domains.map((domain) =>
      run(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--config', 'prisma/prisma.config.ts'], {
        env: { ...env, PRISMA_DOMAIN: domain },
      }),
    ),
  );
  // Loaded only now: manifests import the subgraphs, which import the Prisma clients just made.
  const [{ generate }, { loadManifests }, { resolverTypesConfig }] = await Promise.all([
    import('@graphql-codegen/cli'),
    import('../subgraphs/manifests.js'),
    import('./resolver-types.js'),
  ]);
  await generate(resolverTypesConfig(await loadManifests()), true);
  stamp.record();
  console.log(`generate: ${domains.length} Prisma clients, ${subgraphs.length} resolver type files`);
}
