import type { SubgraphManifest } from '../platform/subgraph/manifest.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';

/**
 * The manifest of the subgraph `name`: `subgraphs/<name>/manifest.ts`, found by convention,
 * so that adding a domain needs no list but supergraph.yaml.
 */
export async function loadManifest(name: string): Promise<SubgraphManifest> {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`"${name}" is not a subgraph name`);
  const module = (await import(`./${name}/manifest.js`).catch((error: unknown) => {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`${name}/manifest`);
    throw missing ? new Error(`No subgraph "${name}": subgraphs/${name}/manifest.ts does not exist`) : error;
  })) as { manifest?: SubgraphManifest };
  if (module.manifest?.name !== name) throw new Error(`subgraphs/${name}/manifest.ts must export a manifest named "${name}"`);
  return module.manifest;
}

/** Every subgraph in supergraph.yaml, in its order. */
export async function loadManifests(): Promise<SubgraphManifest[]> {
  const manifests: SubgraphManifest[] = [];
  // One at a time: Jest's ESM loader races when two imports link the same modules at once.
  for (const { name } of readSupergraphConfig()) manifests.push(await loadManifest(name));
  return manifests;
}
