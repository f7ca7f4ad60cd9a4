import { resolvedPath } from './lock-platforms.js';
import type { Lockfile } from './lock-platforms.js';

/**
 * The lock paths the running processes can load: the production dependencies and, from each,
 * its dependencies, optional dependencies and required peers. Optional peers are left out —
 * that is the point: `@prisma/client` names the Prisma CLI and TypeScript as optional peers,
 * and npm keeps them (with Prisma Studio, 300 MB in all) even with `--omit=dev`.
 */
export function runtimePackages(lock: Lockfile): Set<string> {
  const keep = new Set<string>();
  const visit = (from: string, names: Iterable<string>): void => {
    for (const name of names) {
      const path = resolvedPath(lock, from, name);
      if (!path || keep.has(path)) continue;
      keep.add(path);
      const entry = lock.packages[path]!;
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((peer) => !entry.peerDependenciesMeta?.[peer]?.optional);
      visit(path, [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]);
    }
  };
  visit('', Object.keys(lock.packages['']?.dependencies ?? {}));
  return keep;
}
