// One subgraph as its own process (distributed mode):
// `npm run start:subgraph -- <name>`, i.e. `node dist/subgraphs/main.js <name>`.
import { runProcess } from '../platform/process/run-process.js';
import { loadManifest } from './manifests.js';

const name = process.argv[2] ?? '';
runProcess(name || 'subgraph', async (env) => {
  if (!name) throw new Error('Usage: npm run start:subgraph -- <name> (a subgraph in supergraph.yaml)');
  const manifest = await loadManifest(name);
  return manifest.start(env);
});
