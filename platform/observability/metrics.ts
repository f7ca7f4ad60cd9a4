import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteHandler } from '../http/http-server.js';
import { sendJson } from '../http/http-server.js';

export { Counter, Gauge, Histogram, Registry };

/** Latency buckets in seconds, from a cached read to a slow federated query. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A process's Prometheus registry: Node's own metrics (CPU, memory, event loop lag, GC)
 * plus whatever its features register, every series labelled with the process's `service`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** `GET /metrics` in Prometheus's text format. */
export const metricsRoute =
  (registry: Registry): RouteHandler =>
  async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'Method not allowed' }, { allow: 'GET' });
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };

/** Label for a request whose operation has no name. */
export const ANONYMOUS = '(anonymous)';
/** Label for every operation name past the first `limit` distinct ones. */
export const OTHER = '(other)';

/**
 * Keeps a label's cardinality bounded: the first `limit` distinct values pass as they are
 * (if they look like GraphQL names), every later one, and anything else, becomes `(other)`.
 * Clients choose operation names; without this, one client could create a series per request.
 */
export function boundedLabel(limit = 200): (value: string | null | undefined) => string {
  const seen = new Set<string>();
  return (value) => {
    if (!value) return ANONYMOUS;
    if (seen.has(value)) return value;
    if (seen.size >= limit || !/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(value)) return OTHER;
    seen.add(value);
    return value;
  };
}

/** A gauge read when Prometheus scrapes, from `read` (a pool's counts, a stream's lag). */
export function scrapedGauge<Label extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly Label[],
  read: (set: (labels: Partial<Record<Label, string>>, value: number) => void) => void | Promise<void>,
): Gauge<Label> {
  return new Gauge<Label>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      // A source that cannot answer (Redis away) leaves its series empty; the scrape still succeeds.
      await Promise.resolve(read((labels, value) => this.set(labels, value))).catch(() => {});
    },
  });
}
