import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { SubgraphEntry } from '../platform/supergraph-config.js';

export interface ComposedSupergraph {
  supergraphSdl: string;
  /** The schema clients see: the supergraph without federation's machinery. */
  apiSchema: GraphQLSchema;
}

/**
 * Composes the subgraphs with @apollo/composition. Throws one error listing every problem,
 * each naming the subgraphs it concerns.
 */
export function composeSupergraph(subgraphs: SubgraphEntry[]): ComposedSupergraph {
  const services = subgraphs.map(({ name, routingUrl, schemaFile }) => {
    try {
      return { name, url: routingUrl, typeDefs: parse(readFileSync(schemaFile, 'utf8')) };
    } catch (error) {
      throw new Error(`Composition failed:\n  [${name}] ${schemaFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((error) => {
      const named = subgraphs.some(({ name }) => error.message.includes(`"${name}"`) || error.message.startsWith(`[${name}]`));
      const where = named ? '' : `[${subgraphNamesOf(error).join(', ') || 'supergraph'}] `;
      return `  ${where}${error.message} (${String(error.extensions['code'] ?? 'COMPOSITION_ERROR')})`;
    });
    throw new Error(`Composition failed:\n${lines.join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, apiSchema: result.schema.toAPISchema().toGraphQLJSSchema() };
}

/** Subgraph names federation attaches to the AST nodes of an error, when it has any. */
function subgraphNamesOf(error: { nodes?: ReadonlyArray<unknown> | undefined }): string[] {
  const names = (error.nodes ?? []).map((node) => (node as { subgraph?: unknown }).subgraph).filter((name): name is string => typeof name === 'string');
  return [...new Set(names)];
}
