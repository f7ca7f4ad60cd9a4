import { execute, Kind } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';

/**
 * Whether an operation asks only for meta fields (`__schema`, `__type`, `__typename`) at its
 * root: nothing a subgraph answers.
 */
export function isIntrospectionOnly(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [])));
  const seen = new Set<string>();
  const onlyMeta = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__');
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyMeta(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return true;
      seen.add(name);
      const fragment = fragments.get(name);
      return fragment !== undefined && onlyMeta(fragment);
    });
  return onlyMeta(operation.selectionSet);
}

/**
 * Answers an introspection-only operation with graphql-js against the API schema. The query
 * planner knows an older introspection schema (no `__Type.isOneOf`, which graphql-js 16.9+
 * tools ask for) and would fail such a valid query with an internal error.
 */
export async function executeIntrospection(schema: GraphQLSchema, document: DocumentNode, operationName: string | null, variables: Record<string, unknown> | undefined): Promise<ExecutionResult> {
  return execute({ schema, document, operationName, variableValues: variables });
}
