import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import type { Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, isAbstractType, isObjectType, Kind, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** The service name under which each event answers the primary fetch of its own plan. */
export const EVENT_SOURCE = '__subscription_event__';

/** The schema directive subgraphs put on fields whose value depends on who asks. */
export const PER_VIEWER_DIRECTIVE = 'perViewer';

export type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PlannedSubscription {
  /** The fetch opened upstream: a subscription to the subgraph that owns the field. */
  primary: FetchNode;
  /** Run for every event: the primary fetch, answered by the event, then the rest of the plan. */
  eventPlan: QueryPlan;
  operationContext: OperationContext;
  /** Whether a selected field is marked @perViewer: then viewers cannot share the stream. */
  perViewer: boolean;
}

const PLAN_CACHE_SIZE = 1_000;

/**
 * Plans subscriptions the way `@apollo/gateway` plans queries, from the same supergraph,
 * and keeps the plans: thousands of clients subscribe with the same few operations.
 */
export class SubscriptionPlanner {
  /** The schema clients see (graphql-js), for validation. */
  readonly apiSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly apiFederationSchema: Schema;
  private readonly planner: QueryPlanner;
  private readonly perViewerFields: Set<string>;
  private readonly cache = new Map<string, PlannedSubscription>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiFederationSchema = supergraph.apiSchema();
    this.apiSchema = this.apiFederationSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.perViewerFields = perViewerFields(supergraphSdl);
  }

  /** The plan for a validated subscription document; `cacheKey` identifies its text. */
  plan(document: DocumentNode, operationName: string | undefined, cacheKey: string): PlannedSubscription {
    const key = `${operationName ?? ''}\u0000${cacheKey}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.apiFederationSchema, document, { operationName });
    const { node } = this.planner.buildQueryPlan(operation);
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('A subscription must select a subscription field.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const eventFetch: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
    const planned: PlannedSubscription = {
      primary: node.primary,
      eventPlan: { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [eventFetch, node.rest] } : eventFetch },
      operationContext: buildOperationContext({ schema: this.apiSchema, operationDocument: document, operationName }),
      perViewer: this.selectsPerViewerField(document),
    };
    if (this.cache.size >= PLAN_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, planned);
    return planned;
  }

  private selectsPerViewerField(document: DocumentNode): boolean {
    const typeInfo = new TypeInfo(this.apiSchema);
    let found = false;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (field) => {
          const parent = typeInfo.getParentType();
          const owners = !parent ? [] : isObjectType(parent) ? [parent] : isAbstractType(parent) ? this.apiSchema.getPossibleTypes(parent) : [];
          if (owners.some((type) => this.perViewerFields.has(`${type.name}.${field.name.value}`))) found = true;
        },
      }),
    );
    return found;
  }
}

/** `Type.field` for every field the supergraph marks @perViewer (composed with @composeDirective). */
function perViewerFields(supergraphSdl: string): Set<string> {
  const fields = new Set<string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((directive) => directive.name.value === PER_VIEWER_DIRECTIVE)) fields.add(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields;
}
