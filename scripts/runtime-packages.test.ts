import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../platform/paths.js';
import type { Lockfile } from './lock-platforms.js';
import { runtimePackages } from './runtime-packages.js';

const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as Lockfile;
const keep = runtimePackages(lock);

/** What the image runs: everything `tsconfig.build.json` compiles except tests and dev scripts. */
const RUNTIME_DIRS = ['platform', 'contracts', 'gateway', 'subgraphs', 'prisma', 'embedded'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    // prisma.config.ts configures the CLI at build time.
    return /\.ts$/.test(entry.name) && !/\.test\.ts$|^prisma\.config\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** `pkg` or `@scope/pkg` of every bare import in `source`. */
function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'([^'.][^']*)'/gm)].map((match) => match[1]!);
  return specifiers.filter((specifier) => !specifier.startsWith('node:')).map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

test('the pruned image keeps every package the runtime code imports', () => {
  const files = [...RUNTIME_DIRS.flatMap((dir) => sourceFiles(projectPath(dir))), projectPath('scripts', 'keygen.ts')];
  const imported = new Set(files.flatMap((file) => importedPackages(readFileSync(file, 'utf8'))));
  expect(imported.size).toBeGreaterThan(10);
  expect([...imported].filter((name) => !keep.has(`node_modules/${name}`))).toEqual([]);
});

test('the pruned image leaves out the Prisma CLI, TypeScript and build tooling', () => {
  for (const name of ['prisma', 'typescript', '@prisma/studio-core', 'tsx', 'jest', 'eslint', '@graphql-codegen/cli']) {
    expect([name, keep.has(`node_modules/${name}`)]).toEqual([name, false]);
  }
  expect(keep.has('node_modules/@prisma/client')).toBe(true);
});
