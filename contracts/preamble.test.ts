import { readFileSync } from 'node:fs';
import { Kind, parse, print } from 'graphql';
import type { DefinitionNode } from 'graphql';
import { projectPath } from '../platform/paths.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';

const preamble = readFileSync(projectPath('contracts', 'preamble.graphql'), 'utf8');
const subgraphs = readSupergraphConfig().map(({ name, schemaFile }) => ({ name, sdl: readFileSync(schemaFile, 'utf8') }));

const named = (definition: DefinitionNode): string | undefined => ('name' in definition && definition.name ? definition.name.value : undefined);
/** Type definitions by name, printed with their descriptions. */
const typesOf = (sdl: string): Map<string, string> =>
  new Map(parse(sdl).definitions.flatMap((definition) => (definition.kind === Kind.OBJECT_TYPE_DEFINITION ? [[named(definition)!, print(definition)]] : [])));

// Each schema.graphql must stand alone (Rover and the composer read it as one file), so the
// preamble is copied into each, and held equal here.
test.each(subgraphs)("the $name subgraph's schema holds the SDL preamble unchanged", ({ sdl }) => {
  expect(sdl).toContain(preamble);
});

const shared = typesOf(readFileSync(projectPath('contracts', 'shared-types.graphql'), 'utf8'));

test.each(subgraphs)('the $name subgraph defines each shared value type it repeats exactly as contracts/ does', ({ sdl }) => {
  const own = typesOf(sdl);
  const differing = [...shared].filter(([name, definition]) => own.has(name) && own.get(name) !== definition).map(([name]) => name);
  expect(differing).toEqual([]);
});
