import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectPath } from './paths.js';

/** One entry of supergraph.yaml. */
export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  /** Absolute path of the SDL file (supergraph.yaml gives it relative to itself, as Rover does). */
  schemaFile: string;
}

interface RoverConfig {
  subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
}

/** The subgraphs listed in supergraph.yaml (Rover's format), in file order: the one list of subgraphs. */
export function readSupergraphConfig(path = projectPath('supergraph.yaml')): SubgraphEntry[] {
  const config = parseYaml(readFileSync(path, 'utf8')) as RoverConfig;
  return Object.entries(config.subgraphs ?? {}).map(([name, entry]) => {
    if (!entry.routing_url || !entry.schema?.file) throw new Error(`supergraph.yaml: subgraph "${name}" needs routing_url and schema.file`);
    return { name, routingUrl: entry.routing_url, schemaFile: resolve(dirname(path), entry.schema.file) };
  });
}
