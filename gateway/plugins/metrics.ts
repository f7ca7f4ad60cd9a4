import { Counter, Histogram, LATENCY_BUCKETS, metricsRoute, scrapedGauge } from '../../platform/observability/metrics.js';
import type { Registry } from '../../platform/observability/metrics.js';
import type { GatewayPlugin } from '../plugin.js';
import type { EngineStats } from '../subscriptions/engine.js';

/**
 * The gateway's Prometheus series beside what every GraphQL server reports: each subgraph
 * fetch's latency and outcome, and the federated subscriptions (topics, clients, upstream
 * streams, event executions), served at `/metrics`.
 */
export function gatewayMetrics(registry: Registry, subscriptionStats: () => EngineStats): GatewayPlugin {
  const fetches = new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Fetches from subgraphs, by subgraph and outcome (success, graphql_error, failure).',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const subscriptionGauge = (name: string, help: string, read: (stats: EngineStats) => number) =>
    scrapedGauge(registry, name, help, [], (set) => set({}, read(subscriptionStats())));
  subscriptionGauge('gateway_subscription_topics', 'Distinct subscriptions (operation, variables, scope) held.', (stats) => stats.topics);
  subscriptionGauge('gateway_subscription_clients', 'Client subscriptions held.', (stats) => stats.subscribers);
  subscriptionGauge('gateway_subscription_upstream_streams', 'Subscriptions open to subgraphs.', (stats) => stats.upstreamStreams);
  new Counter({
    name: 'gateway_subscription_event_executions_total',
    help: 'Rest-of-plan executions of subscription events: one per event per topic.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(subscriptionStats().eventExecutions);
    },
  });
  return {
    name: 'metrics',
    wrapSubgraphFetch: (next) => async (request) => {
      const stop = fetches.startTimer({ subgraph: request.service });
      try {
        const response = await next(request);
        stop({ outcome: response.errors?.length ? 'graphql_error' : 'success' });
        return response;
      } catch (error) {
        stop({ outcome: 'failure' });
        throw error;
      }
    },
    routes: (router) => router.on('/metrics', metricsRoute(registry)),
  };
}
