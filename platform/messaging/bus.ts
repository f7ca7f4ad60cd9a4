import { contextFrom, inSpan, SpanKind } from '../observability/tracing.js';

/**
 * A fact one domain tells the others ("post deleted"), so that no service reads another's
 * database. Delivery is at least once, in any order across replicas: handlers must be
 * idempotent and commutative.
 */
export interface DomainEvent {
  type: string;
  data: Record<string, unknown>;
  /** The W3C trace context of the write that caused the event: its handlers join that trace. */
  traceparent?: string | undefined;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface EventBus {
  /**
   * Appends events to a stream; resolves once they are stored (Redis), with their ids, or
   * handled by every consumer (in process).
   */
  publish(stream: string, events: DomainEvent[]): Promise<string[]>;
  /**
   * Whether every consumer group of the stream has handled the events with these ids (with
   * none: everything published so far), waiting up to `timeoutMs`: for a write whose
   * effects elsewhere must be visible when it returns. False after the timeout (a consumer
   * is down; it catches up later).
   */
  waitUntilConsumed(stream: string, ids: string[], timeoutMs: number): Promise<boolean>;
  /**
   * Delivers every event of `stream` to one consumer of `group` at least once, from the
   * oldest event the stream retains, then as they come. An event is acknowledged only
   * after the handler resolved; one that throws is delivered again.
   */
  consume(stream: string, group: string, handler: EventHandler): void;
  close(): Promise<void>;
}

/** How many events a stream retains for consumers that are down or not yet started. */
export const RETAINED_EVENTS = 100_000;

/** Runs `handler` for `event` in a consumer span that continues the event's trace. */
export const handleInTrace = (handler: EventHandler, event: DomainEvent, group: string): Promise<void> =>
  inSpan('events', `${event.type} handled by ${group}`, () => handler(event), { kind: SpanKind.CONSUMER, parent: contextFrom(event.traceparent) });
