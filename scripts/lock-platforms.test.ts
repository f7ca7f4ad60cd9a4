import { readFileSync } from 'node:fs';
import { completeLock, missingOptionalDependencies, platformOf } from './lock-platforms.js';
import type { Lockfile } from './lock-platforms.js';

test('the committed lock holds every optional platform package, so npm 11 `npm ci` accepts it', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as Lockfile;
  // If this fails after an `npm install`, run `npm run lock:complete`.
  expect(missingOptionalDependencies(lock)).toEqual([]);
});

test('a platform package name spells its os, cpu and libc', () => {
  expect(platformOf('@unrs/resolver-binding-darwin-arm64')).toEqual({ os: ['darwin'], cpu: ['arm64'] });
  expect(platformOf('@unrs/resolver-binding-linux-arm-musleabihf')).toEqual({ os: ['linux'], cpu: ['arm'], libc: ['musl'] });
  expect(platformOf('@unrs/resolver-binding-linux-riscv64-gnu')).toEqual({ os: ['linux'], cpu: ['riscv64'], libc: ['glibc'] });
  expect(platformOf('@unrs/resolver-binding-win32-ia32-msvc')).toEqual({ os: ['win32'], cpu: ['ia32'] });
  expect(platformOf('left-pad')).toBeNull();
});

test('completing a lock adds the missing entry beside its parent, and refuses what is not a platform package', () => {
  const lock: Lockfile = {
    packages: {
      '': {},
      'node_modules/resolver': { version: '1.0.0', dev: true, optionalDependencies: { 'resolver-darwin-x64': '1.0.0' } },
    },
  };
  expect(completeLock(lock)).toEqual(['resolver-darwin-x64']);
  expect(lock.packages['node_modules/resolver-darwin-x64']).toEqual({ version: '1.0.0', dev: true, optional: true, os: ['darwin'], cpu: ['x64'] });
  expect(missingOptionalDependencies(lock)).toEqual([]);
  lock.packages['node_modules/resolver']!.optionalDependencies = { 'left-pad': '1.0.0' };
  expect(() => completeLock(lock)).toThrow(/names no platform/);
});
