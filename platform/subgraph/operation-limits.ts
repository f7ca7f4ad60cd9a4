import { GraphQLError, Kind, specifiedRules } from 'graphql';
import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

/**
 * What one request may ask of a subgraph on its own. Subgraph ports are internal, but a
 * request that reaches one directly (a misrouted ingress, a compromised pod) must not run
 * 2,500 aliased counts. The gateway's limits (12 levels, 2,000 fields) already bound every
 * fetch it plans; these sit a little above them, because a planned fetch adds `_entities`
 * and key fields: `__typename` (which the planner adds everywhere) is not counted, and
 * depth has room for the entity hop.
 */
export const SUBGRAPH_LIMITS = {
  maxDepth: 16,
  maxFields: 2_000,
  /** graphql-js `parse(…, { maxTokens })`: the gateway allows 1,000; its fetches stay well under this. */
  maxTokens: 50_000,
} as const;

interface Count {
  fields: number;
  deepest: number;
}

function walk(selectionSet: SelectionSetNode, depth: number, fragments: ReadonlyMap<string, FragmentDefinitionNode>, spreading: ReadonlySet<string>, count: Count): void {
  for (const selection of selectionSet.selections) {
    // Enough is known once past the limit: a huge document costs no more than that.
    if (count.fields > SUBGRAPH_LIMITS.maxFields) return;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      count.fields += 1;
      count.deepest = Math.max(count.deepest, depth);
      if (selection.selectionSet) walk(selection.selectionSet, depth + 1, fragments, spreading, count);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(selection.selectionSet, depth, fragments, spreading, count);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !spreading.has(fragment.name.value)) walk(fragment.selectionSet, depth, fragments, new Set([...spreading, fragment.name.value]), count);
    }
  }
}

/** Refuses operations deeper or wider than `SUBGRAPH_LIMITS`, as a validation rule (BAD_USER_INPUT, HTTP 400). */
export const SubgraphOperationLimits: ValidationRule = (context: ValidationContext): ASTVisitor => {
  const fragments = new Map(
    context
      .getDocument()
      .definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((definition) => [definition.name.value, definition]),
  );
  return {
    OperationDefinition(operation) {
      const count: Count = { fields: 0, deepest: 0 };
      walk(operation.selectionSet, 1, fragments, new Set(), count);
      if (count.deepest > SUBGRAPH_LIMITS.maxDepth) {
        context.reportError(new GraphQLError(`The operation is nested ${count.deepest} levels deep; at most ${SUBGRAPH_LIMITS.maxDepth} are allowed.`, { nodes: [operation] }));
      }
      if (count.fields > SUBGRAPH_LIMITS.maxFields) {
        context.reportError(new GraphQLError(`The operation selects more than ${SUBGRAPH_LIMITS.maxFields} fields.`, { nodes: [operation] }));
      }
      return false;
    },
  };
};

/** Every rule a subgraph validates an operation with, over HTTP and WebSocket: the standard ones and its limits. */
export const SUBGRAPH_RULES: readonly ValidationRule[] = [...specifiedRules, SubgraphOperationLimits];
