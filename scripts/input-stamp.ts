import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every file under `path` (or `path` itself), in a stable order. */
const filesOf = (path: string): string[] =>
  !existsSync(path) || !statSync(path).isDirectory()
    ? [path]
    : readdirSync(path)
        .sort()
        .flatMap((entry) => filesOf(join(path, entry)));

/**
 * A build step's memory of its inputs: `fresh` when none of `inputs` (files or folders)
 * changed since `record` and every output exists, so `npm start` skips work it did before.
 */
export function inputStamp(step: string, inputs: readonly string[], outputs: readonly string[]): { fresh: boolean; record(): void } {
  const stamp = `node_modules/.cache/supergraph/${step}.sha256`;
  const digest = createHash('sha256');
  for (const file of inputs.flatMap(filesOf)) digest.update(file).update(existsSync(file) ? readFileSync(file) : '');
  const fingerprint = digest.digest('hex');
  return {
    fresh: existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint && outputs.every((file) => existsSync(file)),
    record() {
      mkdirSync(dirname(stamp), { recursive: true });
      writeFileSync(stamp, fingerprint);
    },
  };
}
