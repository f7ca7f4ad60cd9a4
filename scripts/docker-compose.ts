// `npm run docker-compose`: writes docker-compose.yml, deploy/postgres/init-databases.sql and
// the observability overlay (deploy/observability/) and the Kubernetes manifests
// (deploy/kubernetes/) from supergraph.yaml and each subgraph's
// manifest.
import { writeFileSync } from 'node:fs';
import { projectPath } from '../platform/paths.js';
import { loadManifests } from '../subgraphs/manifests.js';
import { renderComposeFile, renderInitSql } from './compose-file.js';
import { renderDashboard } from './grafana-dashboard.js';
import { renderKubernetesFiles } from './kubernetes-manifests.js';
import { renderObservabilityCompose, renderPrometheusConfig } from './observability-files.js';

const manifests = await loadManifests();
writeFileSync(projectPath('docker-compose.yml'), renderComposeFile(manifests));
writeFileSync(projectPath('deploy', 'postgres', 'init-databases.sql'), renderInitSql(manifests));
writeFileSync(projectPath('deploy', 'observability', 'compose.yaml'), renderObservabilityCompose(manifests));
writeFileSync(projectPath('deploy', 'observability', 'prometheus.yml'), renderPrometheusConfig(manifests));
writeFileSync(projectPath('deploy', 'observability', 'grafana', 'dashboards', 'supergraph.json'), renderDashboard());
for (const [file, text] of Object.entries(renderKubernetesFiles(manifests))) writeFileSync(projectPath('deploy', 'kubernetes', file), text);
console.log(`docker-compose: ${manifests.map(({ name }) => name).join(', ')} and the gateway`);
