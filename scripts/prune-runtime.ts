// The image's last build step, after `npm prune --omit=dev`: deletes from node_modules every
// package the running processes cannot load (runtime-packages.ts says which), so the runtime
// stage carries no Prisma CLI, TypeScript or Studio.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { projectPath } from '../platform/paths.js';
import type { Lockfile } from './lock-platforms.js';
import { runtimePackages } from './runtime-packages.js';

const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as Lockfile;
const keep = runtimePackages(lock);
const removed = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/') && !keep.has(path) && existsSync(projectPath(path)));
for (const path of removed) rmSync(projectPath(path), { recursive: true, force: true });
rmSync(projectPath('node_modules', '.bin'), { recursive: true, force: true });
console.log(`prune-runtime: kept ${keep.size} packages, removed ${removed.length}`);
