import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, visit } from 'graphql';
import type { FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import type { CacheSettings } from './config.js';
import type { SubgraphRequest } from './plugin.js';

const CACHED_DIRECTIVE = 'cached';
const PER_VIEWER_DIRECTIVE = 'perViewer';
const SAME_FOR_EVERY_VIEWER_DIRECTIVE = 'sameForEveryViewer';

/** What the subgraphs' schemas say about caching, read once at start. */
export interface CachePolicy {
  /** Subgraph → type → seconds, for the types each subgraph marks `@cached`. */
  entityTtls: Map<string, Map<string, number>>;
  /** Types with a `@key` in some subgraph: what invalidation addresses. */
  entityTypes: Set<string>;
  /** `Type.field` → whether some subgraph resolving it (not `@external`) marks `Type` `@cached`. */
  coveredFields: Set<string>;
  /** Names of fields any subgraph marks `@perViewer`: a selection holding one is kept per viewer. */
  perViewerFieldNames: Set<string>;
  /** Subgraph → `Type.field` → the name of the type it returns, in that subgraph's schema. */
  fieldTypes: Map<string, Map<string, string>>;
  /** Subgraph → its root query fields marked `@sameForEveryViewer`. */
  viewerFreeRootFields: Map<string, Set<string>>;
}

/** Reads `@cached`, `@key`, `@perViewer`, `@sameForEveryViewer` and `@external` from each subgraph's SDL. */
export function cachePolicyOf(subgraphs: Array<{ name: string; sdl: string }>, { defaultTtlSeconds, maxTtlSeconds }: Pick<CacheSettings, 'defaultTtlSeconds' | 'maxTtlSeconds'>): CachePolicy {
  const policy: CachePolicy = { entityTtls: new Map(), entityTypes: new Set(), coveredFields: new Set(), perViewerFieldNames: new Set(), fieldTypes: new Map(), viewerFreeRootFields: new Map() };
  for (const { name, sdl } of subgraphs) {
    const ttls = new Map<string, number>();
    const fieldTypes = new Map<string, string>();
    const viewerFree = new Set<string>();
    policy.entityTtls.set(name, ttls);
    policy.fieldTypes.set(name, fieldTypes);
    policy.viewerFreeRootFields.set(name, viewerFree);
    for (const definition of parse(sdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const type = definition.name.value;
      const directives = definition.directives ?? [];
      if (directives.some((directive) => directive.name.value === 'key')) policy.entityTypes.add(type);
      const cached = directives.find((directive) => directive.name.value === CACHED_DIRECTIVE);
      const maxAge = cached?.arguments?.find((argument) => argument.name.value === 'maxAge')?.value;
      if (cached) ttls.set(type, Math.min(maxTtlSeconds, maxAge?.kind === Kind.INT ? Number(maxAge.value) : defaultTtlSeconds));
      for (const field of definition.fields ?? []) {
        const fieldDirectives = new Set((field.directives ?? []).map((directive) => directive.name.value));
        let returned = field.type;
        while (returned.kind !== Kind.NAMED_TYPE) returned = returned.type;
        fieldTypes.set(`${type}.${field.name.value}`, returned.name.value);
        if (fieldDirectives.has(PER_VIEWER_DIRECTIVE)) policy.perViewerFieldNames.add(field.name.value);
        if (cached && !fieldDirectives.has('external')) policy.coveredFields.add(`${type}.${field.name.value}`);
        if (type === 'Query' && fieldDirectives.has(SAME_FOR_EVERY_VIEWER_DIRECTIVE)) viewerFree.add(field.name.value);
      }
    }
  }
  return policy;
}

/** A subgraph's `_entities` fetch, as the cache reads it (one per distinct query text). */
export interface EntityFetchShape {
  queryHash: string;
  perViewer: boolean;
  /** Whether the selection reads into nested objects beyond `__typename`/`id`: their changes are not announced to this entry. */
  nested: boolean;
}

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('base64url');

type Fragments = Map<string, FragmentDefinitionNode>;

/** Whether a selection set goes past `__typename` and `id` (an entity reference) into an object's fields. */
const readsBeyondReference = (selectionSet: SelectionSetNode, fragments: Fragments): boolean =>
  selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value !== '__typename' && selection.name.value !== 'id';
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    return !inner || readsBeyondReference(inner, fragments);
  });

/**
 * What an `_entities` fetch reads, or null when it is not one. The planner reuses the
 * client's named fragments in its fetches, so spreads are followed like inline fragments.
 */
export function entityFetchShape(query: string, policy: CachePolicy, fieldTypes: Map<string, string>): EntityFetchShape | null {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const root = operation?.selectionSet.selections;
  if (operation?.operation !== 'query' || root?.length !== 1 || root[0]!.kind !== Kind.FIELD || root[0]!.name.value !== '_entities') return null;
  const fragments: Fragments = new Map();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let perViewer = false;
  let nested = false;
  let unknownFragment = false;
  // `parent` is the type the selection set is on: `... on Post` at the top, then each field's type.
  const walk = (selectionSet: SelectionSetNode, parent: string, spread: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition?.name.value ?? parent, spread);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) unknownFragment = true;
        else if (!spread.has(fragment.name.value)) walk(fragment.selectionSet, fragment.typeCondition.name.value, new Set(spread).add(fragment.name.value));
      } else {
        if (policy.perViewerFieldNames.has(selection.name.value)) perViewer = true;
        if (!selection.selectionSet) continue;
        const returned = fieldTypes.get(`${parent}.${selection.name.value}`);
        // Another entity's own fields (a follower's name) change without this entity's announcement.
        if ((returned === undefined || policy.entityTypes.has(returned)) && readsBeyondReference(selection.selectionSet, fragments)) nested = true;
        walk(selection.selectionSet, returned ?? '?', spread);
      }
    }
  };
  walk(root[0]!.selectionSet!, '?', new Set());
  return unknownFragment ? null : { queryHash: sha1(query), perViewer, nested };
}

/**
 * Whether a root query fetch to a subgraph reads nothing of the viewer: each of its root
 * fields is marked `@sameForEveryViewer` there, and no field anywhere in it (fragments
 * included) is marked `@perViewer` by any subgraph.
 */
export function rootFetchIsViewerFree(query: string, policy: CachePolicy, service: string): boolean {
  const viewerFree = policy.viewerFreeRootFields.get(service);
  if (!viewerFree?.size) return false;
  const document = parse(query);
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== 'query') return false;
  const rootFieldsMarked = operations[0]!.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && (selection.name.value === '__typename' || viewerFree.has(selection.name.value)),
  );
  if (!rootFieldsMarked) return false;
  let perViewer = false;
  visit(document, { Field: (field) => void (policy.perViewerFieldNames.has(field.name.value) && (perViewer = true)) });
  return !perViewer;
}

/** What the subgraphs' schemas say about their entities, and the fetches read against it. */
export interface EntityPolicy extends CachePolicy {
  /** The shape of an `_entities` fetch to `service` (memoised per query text), or null for any other fetch. */
  shapeOf(service: string, query: string): EntityFetchShape | null;
  /**
   * Whether the fetch's answer is the same whoever asks, so it needs no token:
   * - an `_entities` fetch of types its subgraph marks `@cached`, reading no `@perViewer`
   *   field and no other entity's fields (the rule the cache shares answers by: in a
   *   `@cached` type, a field without the mark reads no token);
   * - a root query fetch of fields marked `@sameForEveryViewer`, reading no `@perViewer` field.
   */
  sameForEveryViewer(request: SubgraphRequest): boolean;
}

export function entityPolicyOf(policy: CachePolicy): EntityPolicy {
  // By subgraph and query text: the same text may go to two subgraphs.
  const shapes = new LRUCache<string, EntityFetchShape | { none: true }>({ max: 2_000 });
  const viewerFreeRoots = new LRUCache<string, boolean>({ max: 2_000 });
  const shapeOf = (service: string, query: string): EntityFetchShape | null => {
    const key = `${service}\u0000${query}`;
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = (policy.fieldTypes.has(service) && entityFetchShape(query, policy, policy.fieldTypes.get(service)!)) || { none: true }));
    return 'none' in shape ? null : shape;
  };
  const entitiesViewerFree = (service: string, query: string, representations: unknown[]): boolean => {
    const ttls = policy.entityTtls.get(service);
    const shape = ttls?.size ? shapeOf(service, query) : null;
    if (!shape || shape.perViewer || shape.nested) return false;
    return representations.every((representation) => {
      const type = (representation as { __typename?: unknown } | null)?.__typename;
      return typeof type === 'string' && ttls!.has(type);
    });
  };
  const rootViewerFree = (service: string, query: string): boolean => {
    const key = `${service}\u0000${query}`;
    let free = viewerFreeRoots.get(key);
    if (free === undefined) viewerFreeRoots.set(key, (free = rootFetchIsViewerFree(query, policy, service)));
    return free;
  };
  return {
    ...policy,
    shapeOf,
    sameForEveryViewer({ service, operation, query, variables }) {
      if (operation !== 'query') return false;
      const representations = variables?.['representations'];
      return Array.isArray(representations) ? entitiesViewerFree(service, query, representations) : rootViewerFree(service, query);
    },
  };
}

/** The policy of the subgraphs `supergraph.yaml` lists, from their schema files. */
export function readEntityPolicy(settings: Pick<CacheSettings, 'defaultTtlSeconds' | 'maxTtlSeconds' | 'supergraphConfigPath'>): EntityPolicy {
  const subgraphs = readSupergraphConfig(settings.supergraphConfigPath).map(({ name, schemaFile }) => ({ name, sdl: readFileSync(schemaFile, 'utf8') }));
  return entityPolicyOf(cachePolicyOf(subgraphs, settings));
}
