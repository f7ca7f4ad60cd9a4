// `npm run docker-compose`: writes docker-compose.yml and deploy/postgres/init-databases.sql
// from supergraph.yaml and each subgraph's manifest.
import { writeFileSync } from 'node:fs';
import { projectPath } from '../platform/paths.js';
import { loadManifests } from '../subgraphs/manifests.js';
import { renderComposeFile, renderInitSql } from './compose-file.js';

const manifests = await loadManifests();
writeFileSync(projectPath('docker-compose.yml'), renderComposeFile(manifests));
writeFileSync(projectPath('deploy', 'postgres', 'init-databases.sql'), renderInitSql(manifests));
console.log(`docker-compose: ${manifests.map(({ name }) => name).join(', ')} and the gateway`);
