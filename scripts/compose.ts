// `npm run compose [-- path/to/supergraph.yaml]`: composes the subgraphs into
// supergraph.graphql (beside the config), the schema the gateway serves.
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from '../gateway/supergraph.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { projectPath } from '../platform/paths.js';

const configPath = process.argv[2] ?? projectPath('supergraph.yaml');

try {
  const subgraphs = readSupergraphConfig(configPath);
  const { supergraphSdl } = composeSupergraph(subgraphs);
  writeFileSync(join(dirname(configPath), 'supergraph.graphql'), supergraphSdl);
  console.log(`compose: supergraph.graphql from ${subgraphs.map(({ name }) => name).join(', ')}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
