import { GraphQLError, Kind, visit } from 'graphql';
import type { DocumentNode, ValueNode } from 'graphql';
import { MAX_PAGE_SIZE } from '../subgraphs/shared/pagination.js';

/**
 * Errors for every `first` argument above the page-size cap, with variables substituted.
 * It runs before planning, over HTTP and over WebSocket alike, so an oversized page never
 * reaches a subgraph.
 */
export function limitErrors(document: DocumentNode, variables: Readonly<Record<string, unknown>> | undefined): GraphQLError[] {
  const defaults = new Map<string, ValueNode>();
  const errors: GraphQLError[] = [];
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue) defaults.set(node.variable.name.value, node.defaultValue);
    },
  });
  visit(document, {
    Field(field) {
      const argument = field.arguments?.find((candidate) => candidate.name.value === 'first');
      if (!argument) return;
      const value = valueOf(argument.value, variables, defaults);
      if (typeof value === 'number' && value > MAX_PAGE_SIZE) {
        errors.push(
          new GraphQLError(`first must be at most ${MAX_PAGE_SIZE} (${field.name.value} asked for ${value}).`, {
            nodes: [argument],
            extensions: { code: 'BAD_USER_INPUT', field: 'first', http: { status: 400 } },
          }),
        );
      }
    },
  });
  return errors;
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>> | undefined, defaults: Map<string, ValueNode>): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind !== Kind.VARIABLE) return undefined;
  const name = node.name.value;
  if (variables && name in variables) return variables[name];
  const fallback = defaults.get(name);
  return fallback?.kind === Kind.INT ? Number(fallback.value) : undefined;
}
