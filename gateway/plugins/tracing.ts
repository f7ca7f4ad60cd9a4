import { injectTraceContext } from '../../platform/observability/tracing.js';
import type { GatewayPlugin } from '../plugin.js';

/**
 * Carries the trace on to every subgraph: `@apollo/gateway` opens a `gateway.fetch` span
 * around each fetch of a plan, and this adds its W3C `traceparent` to the request, so the
 * subgraph's spans (its request, its SQL) join the same trace. Put it inside in-flight
 * de-duplication: a header that differs per request would stop identical fetches being shared.
 */
export function traceSubgraphFetches(): GatewayPlugin {
  return {
    name: 'tracing',
    wrapSubgraphFetch: (next) => (request) => {
      // Nothing to carry when tracing is off: the request goes as it came, uncopied.
      const trace: Record<string, string> = {};
      injectTraceContext(trace);
      return next(trace['traceparent'] ? { ...request, headers: { ...request.headers, ...trace } } : request);
    },
  };
}
