// `npm run compose`: supergraph.yaml → supergraph.graphql, the schema the gateway serves.
import { writeFileSync } from 'node:fs';
import { composeSupergraph, readSupergraphConfig } from '../gateway/supergraph.js';
import { projectPath } from '../subgraphs/shared/paths.js';

try {
  const subgraphs = readSupergraphConfig();
  const { supergraphSdl } = composeSupergraph(subgraphs);
  writeFileSync(projectPath('supergraph.graphql'), supergraphSdl);
  console.log(`compose: supergraph.graphql from ${subgraphs.map(({ name }) => name).join(', ')}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
