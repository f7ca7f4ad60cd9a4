// `npm run lock:complete`: adds to package-lock.json the optional platform packages that npm
// left out. This machine's registry does not serve some of them (every non-Linux build of
// `@unrs/resolver-binding-*`, which Jest and the ESLint import resolver need), so an
// `npm install` here writes a lock without them, and npm 11's `npm ci` refuses such a lock
// on every machine. Each missing entry gets the version its parent asks for and the os/cpu/libc
// its name spells, so `npm ci` skips it on other platforms exactly as it skips the ones npm
// recorded. Run it after any `npm install` that rewrote the lock; a unit test fails until then.
import { readFileSync, writeFileSync } from 'node:fs';
import { completeLock } from './lock-platforms.js';
import type { Lockfile } from './lock-platforms.js';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8')) as Lockfile;
const added = completeLock(lock);
if (added.length === 0) console.log('lock:complete: nothing missing');
else {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lock:complete: added ${added.join(', ')}`);
}
