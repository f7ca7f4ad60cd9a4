import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the nearest folder above this file holding `supergraph.yaml`. The same
 * code runs from source (tsx, jest) and compiled under `dist/`; both find one root.
 */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supergraph.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No supergraph.yaml above ${start}`);
  }
}

export const projectPath = (...segments: string[]): string => join(PROJECT_ROOT, ...segments);
