/** The parts of package-lock.json (lockfileVersion 3) this module reads and writes. */
export interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  packages: Record<string, LockEntry>;
}

const OSES = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'sunos', 'netbsd', 'openbsd', 'aix'];
const CPUS = ['arm', 'arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x'];

/** `os`, `cpu` and `libc` as a platform package's name spells them (`…-linux-arm-musleabihf`). */
export function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | null {
  const parts = name.split('/').pop()!.split('-');
  for (let index = 0; index < parts.length - 1; index += 1) {
    const [os, cpu, abi] = [parts[index]!, parts[index + 1]!, parts[index + 2]];
    if (!OSES.includes(os) || !CPUS.includes(cpu)) continue;
    const libc = os !== 'linux' ? undefined : abi?.startsWith('musl') ? ['musl'] : ['glibc'];
    return { os: [os], cpu: [cpu], ...(libc && { libc }) };
  }
  return null;
}

/** The lock path a dependency of the package at `from` resolves to, as Node looks up node_modules. */
export function resolvedPath(lock: Lockfile, from: string, dependency: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${dependency}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

/** Optional dependencies that resolve to no entry of the lock: `[parent path, name, version]`. */
export function missingOptionalDependencies(lock: Lockfile): Array<[string, string, string]> {
  const missing: Array<[string, string, string]> = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      if (!resolvedPath(lock, path, name)) missing.push([path, name, version]);
    }
  }
  return missing;
}

/**
 * Adds an entry beside its parent for every missing optional platform package; returns their
 * names. A missing package whose name spells no platform is an error: it is not this problem.
 */
export function completeLock(lock: Lockfile): string[] {
  const added: string[] = [];
  for (const [parentPath, name, version] of missingOptionalDependencies(lock)) {
    const platform = platformOf(name);
    if (!platform) throw new Error(`${parentPath} needs ${name}@${version}, which names no platform: install it properly`);
    const parent = lock.packages[parentPath]!;
    const at = parentPath.slice(0, parentPath.lastIndexOf('node_modules/'));
    lock.packages[`${at}node_modules/${name}`] = { version, ...(parent.dev && { dev: true }), optional: true, ...platform };
    added.push(name);
  }
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))));
  return added;
}
