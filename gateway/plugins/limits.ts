import { getNamedType, GraphQLError, isCompositeType, Kind, SchemaMetaFieldDef, TypeMetaFieldDef, valueFromAST } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { appError } from '../../platform/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/pagination.js';
import type { GatewayPlugin } from '../plugin.js';

/** What one operation may ask for. */
export const LIMITS = {
  /** Nested selection levels (introspection fields aside, so Sandbox works). */
  maxDepth: 12,
  /** Field selections, aliases and fragment expansions included. */
  maxFields: 2_000,
  /** Nodes the operation could return: each connection's `first` times those above it. */
  maxNodes: 20_000,
  /** Root fields of one mutation: each may write, and 50 aliased `register`s made 50 accounts (Apollo Router's max_root_fields, tighter for writes). */
  maxRootMutationFields: 10,
  /**
   * Selection sets inside one another, fields, inline fragments and fragment spreads alike
   * (MAX_NESTING, the same bound as braces before parsing): a chain of fragment spreads nests
   * no braces, yet 1,000 of them took the query planner 8 s of CPU.
   */
  maxNesting: 100,
} as const;

export interface OperationLimitSettings {
  maxRootMutationFields: number;
  maxNesting: number;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
  errors: GraphQLError[];
  fields: number;
  nodes: number;
  deepest: number;
  maxNesting: number;
  /** Set once a selection set lies deeper than `maxNesting`: the walk stops there. */
  tooNested: boolean;
}

/** A refusal by a limit: `limit` names the rule for metrics (rejected operations by limit); clients see the code and message. */
export const tooMuch = (limit: string, message: string, field?: string): GraphQLError =>
  appError('BAD_USER_INPUT', message, { limit, ...(field && { field }), http: { status: 400 } });

/**
 * Every reason to refuse the operation before it is planned: a `first` above 100, or an
 * operation too deep, too wide or able to return too many nodes. Runs over HTTP and over
 * WebSocket alike, with variables and defaults substituted, so no oversized request reaches
 * a subgraph. `document` must already be valid against `schema`.
 */
export function limitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  operationName?: string | null,
  settings: OperationLimitSettings = LIMITS,
): GraphQLError[] {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations[0];
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return [];
  const walk: Walk = {
    schema,
    fragments: new Map(document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).map((definition) => [definition.name.value, definition])),
    variables: withDefaults(operation, variables ?? {}),
    errors: [],
    fields: 0,
    nodes: 0,
    deepest: 0,
    maxNesting: settings.maxNesting,
    tooNested: false,
  };
  visitSelections(walk, operation.selectionSet, root, 1, 1, new Set(), false, 1);
  if (walk.tooNested) {
    return [tooMuch('nesting', `The operation nests selections more than ${settings.maxNesting} levels deep, fragments included.`)];
  }
  if (operation.operation === 'mutation') {
    const rootFields = countRootFields(walk, operation.selectionSet, new Set());
    if (rootFields > settings.maxRootMutationFields) {
      walk.errors.push(tooMuch('root_mutation_fields', `A request may run at most ${settings.maxRootMutationFields} mutation fields; this one runs ${rootFields}.`));
    }
  }
  if (walk.deepest > LIMITS.maxDepth) walk.errors.push(tooMuch('depth', `The operation is nested ${walk.deepest} levels deep; at most ${LIMITS.maxDepth} are allowed.`));
  if (walk.fields > LIMITS.maxFields) walk.errors.push(tooMuch('fields', `The operation selects more than ${LIMITS.maxFields} fields.`));
  if (walk.nodes > LIMITS.maxNodes) {
    walk.errors.push(tooMuch('nodes', `The operation could return ${walk.nodes} nodes; at most ${LIMITS.maxNodes} are allowed. Ask for smaller pages.`));
  }
  return walk.errors;
}

/** Root fields of a selection, aliases and fragment spreads included. */
function countRootFields(walk: Walk, selectionSet: SelectionSetNode, spreading: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === '__typename' ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += countRootFields(walk, selection.selectionSet, spreading);
    else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment && !spreading.has(fragment.name.value)) count += countRootFields(walk, fragment.selectionSet, new Set([...spreading, fragment.name.value]));
    }
  }
  return count;
}

/**
 * `introspection`: inside `__schema` or `__type`, whose fields count against the field limit
 * (a cheap-looking query could otherwise walk the schema thousands of times) but not the
 * depth limit (Sandbox's introspection query nests its `ofType`s deep). `nesting`: selection
 * sets above this one, fragments included.
 */
function visitSelections(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  depth: number,
  multiplier: number,
  spreading: Set<string>,
  introspection: boolean,
  nesting: number,
): void {
  if (nesting > walk.maxNesting) {
    walk.tooNested = true;
    return;
  }
  for (const selection of selectionSet.selections) {
    if (walk.fields > LIMITS.maxFields || walk.tooNested) return;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) visitSelections(walk, selection.selectionSet, type, depth, multiplier, spreading, introspection, nesting + 1);
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      const type = fragment && walk.schema.getType(fragment.typeCondition.name.value);
      if (!fragment || !type || !isCompositeType(type) || spreading.has(name)) continue;
      visitSelections(walk, fragment.selectionSet, type, depth, multiplier, new Set([...spreading, name]), introspection, nesting + 1);
    } else {
      walk.fields += 1;
      const name = selection.name.value;
      const meta = name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : undefined;
      if (meta) {
        const type = getNamedType(meta.type);
        if (selection.selectionSet && isCompositeType(type)) visitSelections(walk, selection.selectionSet, type, depth + 1, multiplier, spreading, true, nesting + 1);
        continue;
      }
      if (name.startsWith('__')) continue;
      if (!introspection) walk.deepest = Math.max(walk.deepest, depth);
      const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
      if (!definition) continue;
      let size = multiplier;
      const firstArgument = definition.args.find((argument) => argument.name === 'first');
      if (firstArgument) {
        const given = selection.arguments?.find((argument) => argument.name.value === 'first');
        // Not given (or a variable not sent): the schema's default applies; null means the default page.
        const value = given ? valueFromAST(given.value, firstArgument.type, walk.variables) : undefined;
        const first = typeof value === 'number' ? value : value === undefined && typeof firstArgument.defaultValue === 'number' ? firstArgument.defaultValue : DEFAULT_PAGE_SIZE;
        if (first > MAX_PAGE_SIZE) walk.errors.push(tooMuch('page_size', `first must be at most ${MAX_PAGE_SIZE} (${name} asked for ${first}).`, 'first'));
        size = multiplier * Math.min(first, MAX_PAGE_SIZE);
        walk.nodes += size;
      }
      const type = getNamedType(definition.type);
      if (selection.selectionSet && isCompositeType(type)) visitSelections(walk, selection.selectionSet, type, depth + 1, size, spreading, introspection, nesting + 1);
    }
  }
}

/** The request's variables with the operation's declared defaults filled in. */
function withDefaults(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) values[name] = literal(definition.defaultValue);
  }
  return values;
}

function literal(node: ValueNode): unknown {
  return node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.NULL ? null : undefined;
}

/**
 * Page-size, depth, width, node and mutation limits, checked once the operation is known and
 * before it is planned. The WebSocket path applies `limitErrors` itself. A document whose
 * operation cannot be picked (two operations and no `operationName`, or a name it does not
 * hold) is the client's mistake: Apollo Server would hand it to the gateway, which fails
 * with a 500.
 */
export function operationLimits(settings: OperationLimitSettings = LIMITS): GatewayPlugin {
  return {
    name: 'operation-limits',
    apollo: {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, request, schema, operation, operationName }) => {
          if (!operation) {
            throw new GraphQLError(
              request.operationName ? `The document holds no operation named "${request.operationName}".` : 'The document holds several operations: operationName must pick one.',
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            );
          }
          const [first] = limitErrors(schema, document, request.variables, operationName, settings);
          if (first) throw first;
        },
      }),
    },
  };
}
