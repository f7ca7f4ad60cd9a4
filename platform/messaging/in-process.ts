import type { Logger } from '../observability/logger.js';
import { handleInTrace, RETAINED_EVENTS } from './bus.js';
import type { DomainEvent, EventBus, EventHandler } from './bus.js';

interface LocalStream {
  retained: DomainEvent[];
  groups: Map<string, EventHandler>;
}

/**
 * Domain event streams held in memory, for subgraphs that run in one process without Redis
 * (the embedded default, tests). Whoever starts the subgraphs creates one and hands it to
 * each, so one subgraph's events reach another; two brokers never see each other.
 */
export class InProcessBroker {
  private readonly streams = new Map<string, LocalStream>();

  stream(key: string): LocalStream {
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = { retained: [], groups: new Map() }));
    return stream;
  }
}

export function inProcessEventBus(broker: InProcessBroker, prefix: string, logger: Logger): EventBus {
  const streamOf = (name: string): LocalStream => broker.stream(`${prefix}:events:${name}`);
  const registered: Array<[LocalStream, string]> = [];
  return {
    async publish(name, events) {
      const stream = streamOf(name);
      // No consumer yet (the embedded default is still starting): the outbox keeps the
      // events, and the relay tries again shortly.
      if (stream.groups.size === 0 && events.length > 0) throw new Error(`no consumer has joined stream ${name} yet`);
      // Handled before this resolves: the outbox keeps the events until every consumer is done.
      for (const event of events) {
        for (const [group, handler] of stream.groups) await handleInTrace(handler, event, group);
        stream.retained.push(event);
      }
      stream.retained.splice(0, Math.max(0, stream.retained.length - RETAINED_EVENTS));
      return [];
    },
    waitUntilConsumed: async () => true,
    consume(name, group, handler) {
      const stream = streamOf(name);
      stream.groups.set(group, handler);
      registered.push([stream, group]);
      // A group that starts late reads what the stream retains, as a Redis group created at 0 does.
      void (async () => {
        for (const event of [...stream.retained]) await handleInTrace(handler, event, group);
      })().catch((error: unknown) => logger.error('event handler failed while catching up', { group, error }));
    },
    async close() {
      for (const [stream, group] of registered) stream.groups.delete(group);
    },
  };
}
