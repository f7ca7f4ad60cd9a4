/** One chart of the supergraph dashboard: PromQL queries with their legends. */
interface Panel {
  title: string;
  unit: string;
  queries: Array<[expr: string, legend: string]>;
}

const GATEWAY = 'service="gateway"';

/** The operator's questions, in the order they ask them: is it serving, is it slow, why. */
export const PANELS: Panel[] = [
  { title: 'Gateway requests by operation', unit: 'reqps', queries: [[`sum by (operation_name) (rate(graphql_request_duration_seconds_count{${GATEWAY}}[1m]))`, '{{operation_name}}']] },
  { title: 'Gateway requests by outcome', unit: 'reqps', queries: [[`sum by (outcome) (rate(graphql_request_duration_seconds_count{${GATEWAY}}[1m]))`, '{{outcome}}']] },
  {
    title: 'Gateway latency',
    unit: 's',
    queries: [
      [`histogram_quantile(0.5, sum by (le) (rate(graphql_request_duration_seconds_bucket{${GATEWAY}}[5m])))`, 'p50'],
      [`histogram_quantile(0.99, sum by (le) (rate(graphql_request_duration_seconds_bucket{${GATEWAY}}[5m])))`, 'p99'],
    ],
  },
  { title: 'Subgraph fetch p95', unit: 's', queries: [['histogram_quantile(0.95, sum by (le, subgraph) (rate(gateway_subgraph_fetch_duration_seconds_bucket[5m])))', '{{subgraph}}']] },
  { title: 'Subgraph fetch errors', unit: 'reqps', queries: [['sum by (subgraph, outcome) (rate(gateway_subgraph_fetch_duration_seconds_count{outcome!="success"}[5m]))', '{{subgraph}} {{outcome}}']] },
  { title: 'Subgraph requests by outcome', unit: 'reqps', queries: [[`sum by (service, outcome) (rate(graphql_request_duration_seconds_count{service!="gateway"}[1m]))`, '{{service}} {{outcome}}']] },
  {
    title: 'Subscriptions',
    unit: 'short',
    queries: [
      ['sum(gateway_subscription_clients)', 'clients'],
      ['sum(gateway_subscription_topics)', 'topics'],
      ['sum(gateway_subscription_upstream_streams)', 'upstream streams'],
    ],
  },
  { title: 'Subscription event executions', unit: 'ops', queries: [['sum(rate(gateway_subscription_event_executions_total[1m]))', 'executions']] },
  { title: 'Rejected operations by limit', unit: 'ops', queries: [['sum by (limit) (rate(graphql_operations_rejected_total[5m]))', '{{limit}}']] },
  { title: 'Database pool', unit: 'short', queries: [['sum by (service, state) (db_pool_connections)', '{{service}} {{state}}']] },
  {
    title: 'Domain events',
    unit: 'short',
    queries: [
      ['sum by (service, stream) (outbox_backlog)', 'outbox {{service}} {{stream}}'],
      ['sum by (stream, group) (event_consumer_lag)', 'lag {{group}} ← {{stream}}'],
      ['sum by (stream) (event_dead_letters)', 'dead letters {{stream}}'],
    ],
  },
  {
    title: 'Short links',
    unit: 'ops',
    queries: [
      ['sum by (outcome) (rate(gateway_short_link_redirects_total[1m]))', 'redirects {{outcome}}'],
      ['sum by (fate) (rate(gateway_short_link_clicks_total[1m]))', 'clicks {{fate}}'],
    ],
  },
  { title: 'CPU by process', unit: 'percentunit', queries: [['sum by (service) (rate(process_cpu_seconds_total[1m]))', '{{service}}']] },
  { title: 'Memory by process', unit: 'bytes', queries: [['sum by (service) (process_resident_memory_bytes)', '{{service}}']] },
  { title: 'Event loop lag p99', unit: 's', queries: [['max by (service) (nodejs_eventloop_lag_p99_seconds)', '{{service}}']] },
];

const PROMQL_WORDS = new Set(['sum', 'by', 'rate', 'histogram_quantile', 'max', 'le', 'without', 'on']);

/** The metric names a query reads (label names and functions left out). */
export function metricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').replace(/by \([^)]*\)/g, '');
  const names = [...withoutLabels.matchAll(/[a-z_][a-z0-9_]*/g)].map((match) => match[0]).filter((word) => !PROMQL_WORDS.has(word));
  // A histogram is exported as one family; its _bucket/_count/_sum series read it.
  return [...new Set(names.map((name) => name.replace(/_(bucket|count|sum)$/, '')))];
}

/** The dashboard Grafana provisions, as JSON: two charts a row. */
export function renderDashboard(): string {
  const panels = PANELS.map((panel, index) => ({
    id: index + 1,
    type: 'timeseries',
    title: panel.title,
    datasource: { type: 'prometheus', uid: 'prometheus' },
    gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    targets: panel.queries.map(([expr, legendFormat], query) => ({ refId: String.fromCharCode(65 + query), expr, legendFormat, datasource: { type: 'prometheus', uid: 'prometheus' } })),
  }));
  const dashboard = { uid: 'supergraph', title: 'Supergraph', schemaVersion: 39, version: 1, refresh: '10s', time: { from: 'now-1h', to: 'now' }, tags: ['supergraph'], panels };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
