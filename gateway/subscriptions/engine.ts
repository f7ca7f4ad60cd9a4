import { executeQueryPlan } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { DocumentNode, ExecutionResult, FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { TRACEPARENT } from '../../platform/messaging/pubsub.js';
import type { Logger } from '../../platform/observability/logger.js';
import { contextFrom, inSpan } from '../../platform/observability/tracing.js';
import type { ConnectionIdentity } from '../../platform/http/graphql-ws.js';
import type { GatewayContext } from '../context.js';
import { surfaceValueCompletion } from '../value-completion.js';
import { EVENT_SOURCE } from './planner.js';
import type { PlannedSubscription, SubscriptionPlanner } from './planner.js';
import { createPushIterator } from './push-iterator.js';
import type { PushIterator } from './push-iterator.js';
import type { UpstreamEvent, UpstreamSubscriptions } from './upstream.js';

/** Distinct subscriptions (topics) the gateway holds at once. */
const MAX_TOPICS = 10_000;
/** Events waiting to be executed for one topic before it is ended as too far behind. */
const MAX_QUEUED_EVENTS = 1_000;

type ServiceMap = Parameters<typeof executeQueryPlan>[1];
type RequestContext = Parameters<typeof executeQueryPlan>[2];

export interface SubscriptionRequest {
  /** The operation, printed (so formatting does not matter): with the name it keys plans and topics. */
  query: string;
  document: DocumentNode;
  operationName: string | undefined;
  /** Coerced variable values. */
  variables: Record<string, unknown>;
  identity: ConnectionIdentity;
  /**
   * Sends one event's result, already serialised, to this client. False when the client
   * cannot take it (it fell too far behind): its subscription is then ended.
   */
  send(resultJson: string): boolean;
}

interface Subscriber {
  send(resultJson: string): boolean;
  /** Carries only what ends the subscription: final errors, then completion. */
  final: PushIterator<ExecutionResult>;
}

/** Clients holding the same operation with the same variables and scope: one upstream stream, one execution per event. */
interface Topic {
  key: string;
  subscribers: Set<Subscriber>;
  /** Events run one after another, so every client sees them in order. */
  chain: Promise<void>;
  /** Events received and not yet delivered. */
  queued: number;
  leaveUpstream: () => void;
}

export interface EngineStats {
  topics: number;
  subscribers: number;
  upstreamStreams: number;
  /** Rest-of-plan executions since start: one per event per topic. */
  eventExecutions: number;
}

/**
 * Federated subscriptions. Each operation's plan splits into a primary fetch, opened as a
 * graphql-ws subscription to the owning subgraph, and the rest, run through
 * `executeQueryPlan` for every event with the primary fetch answered by the event.
 *
 * Two clients share everything (one upstream stream, one execution per event, one result)
 * when they hold the same operation (as printed) with the same variables and the operation
 * selects no field marked @perViewer. Shared work runs as an anonymous request, so a field that
 * should have been marked can only show anonymous data, never someone else's. Operations
 * that do select a @perViewer field run with the client's own credentials and are shared
 * only with subscriptions holding the same token.
 */
export class SubscriptionEngine {
  private readonly topics = new Map<string, Topic>();
  private executions = 0;

  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly upstream: UpstreamSubscriptions,
    private readonly dataSources: ServiceMap,
    /** How results look on the wire (error codes folded, masked in production). */
    private readonly format: (result: ExecutionResult) => FormattedExecutionResult,
    private readonly logger: Logger,
  ) {}

  stats(): EngineStats {
    let subscribers = 0;
    for (const topic of this.topics.values()) subscribers += topic.subscribers.size;
    return { topics: this.topics.size, subscribers, upstreamStreams: this.upstream.openStreams, eventExecutions: this.executions };
  }

  /**
   * Adds a client to its topic. Events reach it through `request.send`; the iterator
   * returned only ends it, and ending the iterator (the client completes or disconnects)
   * takes it off the topic.
   */
  subscribe(request: SubscriptionRequest): AsyncIterableIterator<ExecutionResult> {
    const planned = this.planner.plan(request.document, request.operationName, request.query);
    const viewer = planned.perViewer ? request.identity.viewer : null;
    const context: GatewayContext = { viewer, authorization: viewer ? request.identity.authorization : undefined };
    const key = JSON.stringify([request.query, request.operationName ?? null, request.variables, context.authorization ?? null]);
    let topic = this.topics.get(key);
    if (!topic) {
      if (this.topics.size >= MAX_TOPICS) throw new GraphQLError('The gateway holds too many distinct subscriptions; try again later.', { extensions: { code: 'RATE_LIMITED' } });
      topic = this.openTopic(key, planned, request, context);
    }
    const joined = topic;
    const subscriber: Subscriber = { send: request.send, final: createPushIterator<ExecutionResult>(() => this.leave(joined, subscriber)) };
    joined.subscribers.add(subscriber);
    return subscriber.final;
  }

  private openTopic(key: string, planned: PlannedSubscription, request: SubscriptionRequest, context: GatewayContext): Topic {
    const topic: Topic = { key, subscribers: new Set(), chain: Promise.resolve(), queued: 0, leaveUpstream: () => {} };
    this.topics.set(key, topic);
    const primaryVariables = Object.fromEntries((planned.primary.variableUsages ?? []).filter((name) => name in request.variables).map((name) => [name, request.variables[name]]));
    topic.leaveUpstream = this.upstream.join(planned.primary.serviceName, planned.primary.operation, primaryVariables, context.authorization, {
      next: (event) => {
        if (++topic.queued > MAX_QUEUED_EVENTS) {
          this.logger.warn('subscription topic fell behind; ending it', { events: topic.queued });
          this.finish(topic, [{ message: 'This subscription fell too far behind and was ended; subscribe again.', extensions: { code: 'RATE_LIMITED' } }]);
          topic.leaveUpstream();
          return;
        }
        topic.chain = topic.chain.then(() => this.deliver(topic, planned, request, context, event)).finally(() => (topic.queued -= 1));
      },
      error: (errors) => this.finish(topic, errors),
      complete: () => this.finish(topic, []),
    });
    return topic;
  }

  private async deliver(topic: Topic, planned: PlannedSubscription, request: SubscriptionRequest, context: GatewayContext, event: UpstreamEvent): Promise<void> {
    if (topic.subscribers.size === 0) return;
    this.executions += 1;
    let result: ExecutionResult;
    try {
      // Joins the trace of the write that published the event, carried by the subgraph's result.
      const traceparent = event.extensions?.[TRACEPARENT];
      result = await inSpan('gateway', 'subscription event', () => this.execute(planned, request, context, event), {
        parent: typeof traceparent === 'string' ? contextFrom(traceparent) : undefined,
        attributes: { 'graphql.operation.name': request.operationName ?? '', subscribers: topic.subscribers.size },
      });
    } catch (error) {
      // The client gets this event as an error; the subscription goes on.
      this.logger.error('subscription event failed', { error });
      result = { data: null, errors: [new GraphQLError('The event could not be resolved.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
    }
    // Serialised once, however many clients receive it.
    const json = JSON.stringify(this.format(result));
    for (const subscriber of topic.subscribers) {
      if (subscriber.send(json)) continue;
      subscriber.final.push({ errors: [new GraphQLError('This subscription fell too far behind and was ended; subscribe again.', { extensions: { code: 'RATE_LIMITED' } })] });
      subscriber.final.end();
    }
  }

  private async execute(planned: PlannedSubscription, request: SubscriptionRequest, context: GatewayContext, event: UpstreamEvent): Promise<ExecutionResult> {
    const serviceMap: ServiceMap = {
      ...this.dataSources,
      [EVENT_SOURCE]: { process: async () => ({ data: event.data ?? null, errors: event.errors as GraphQLFormattedError[] | undefined }) },
    };
    const requestContext = {
      request: { query: request.query, variables: request.variables, operationName: request.operationName },
      document: request.document,
      operationName: request.operationName ?? null,
      context,
      metrics: {},
      logger: this.logger,
      schema: this.planner.apiSchema,
    } as unknown as RequestContext;
    const result = surfaceValueCompletion(
      (await executeQueryPlan(planned.eventPlan, serviceMap, requestContext, planned.operationContext, this.planner.supergraphSchema, this.planner.apiFederationSchema)) as ExecutionResult,
    );
    if (!result.errors) return result;
    // Errors from the event itself name the subgraph that sent it, not the stand-in.
    const errors = result.errors.map((error) =>
      error.extensions['serviceName'] === EVENT_SOURCE
        ? new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, serviceName: planned.primary.serviceName } })
        : error,
    );
    return { ...result, errors };
  }

  /** The upstream ended: every client gets the errors (if any), then completion. */
  private finish(topic: Topic, errors: readonly GraphQLFormattedError[]): void {
    if (this.topics.get(topic.key) === topic) this.topics.delete(topic.key);
    topic.chain = topic.chain.then(() => {
      for (const subscriber of [...topic.subscribers]) {
        if (errors.length > 0) subscriber.final.push({ errors: errors.map((error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions })) });
        subscriber.final.end();
      }
    });
  }

  private leave(topic: Topic, subscriber: Subscriber): void {
    topic.subscribers.delete(subscriber);
    if (topic.subscribers.size > 0) return;
    if (this.topics.get(topic.key) === topic) this.topics.delete(topic.key);
    topic.leaveUpstream();
  }
}
