import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../platform/paths.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { composeSupergraph } from './supergraph.js';

const run = promisify(execFile);
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** A supergraph.yaml with two subgraphs whose SDL is given. */
function project(sdl: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'compose-'));
  const lines = ['federation_version: =2.14.4', 'subgraphs:'];
  for (const [name, text] of Object.entries(sdl)) {
    writeFileSync(join(dir, `${name}.graphql`), text);
    lines.push(`  ${name}:`, `    routing_url: http://localhost:4999/${name}`, '    schema:', `      file: ./${name}.graphql`);
  }
  writeFileSync(join(dir, 'supergraph.yaml'), lines.join('\n'));
  return join(dir, 'supergraph.yaml');
}

test('supergraph.yaml resolves schema files relative to itself', () => {
  const entries = readSupergraphConfig(project({ a: `${LINK} type Query { a: Int }` }));
  expect(entries).toEqual([{ name: 'a', routingUrl: 'http://localhost:4999/a', schemaFile: expect.stringMatching(/compose-.*\/a\.graphql$/) }]);
});

test('a composition error names the subgraphs and the problem', () => {
  const config = project({
    alpha: `${LINK} type Query { thing: Thing } type Thing @key(fields: "id") { id: ID! size: Int }`,
    beta: `${LINK} type Thing @key(fields: "id") { id: ID! size: String }`,
  });
  expect(() => composeSupergraph(readSupergraphConfig(config))).toThrow(/"alpha"[\s\S]*"beta"|"beta"[\s\S]*"alpha"/);
});

test('an SDL syntax error names the subgraph and its file', () => {
  const config = project({ alpha: `${LINK} type Query { a: Int }`, broken: 'type Query { oops: }' });
  expect(() => composeSupergraph(readSupergraphConfig(config))).toThrow(/\[broken\] .*broken\.graphql: Syntax Error/);
});

test('npm run compose exits non-zero on a composition error and says why', async () => {
  const config = project({ alpha: `${LINK} type Query { thing: Thing } type Thing @key(fields: "id") { id: ID! size: Int }`, beta: `${LINK} type Thing @key(fields: "id") { id: ID! size: String }` });
  const failure = await run(process.execPath, [projectPath('node_modules/tsx/dist/cli.mjs'), projectPath('scripts/compose.ts'), config]).then(
    () => null,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toMatch(/Composition failed:[\s\S]*Thing\.size/);
}, 30_000);
