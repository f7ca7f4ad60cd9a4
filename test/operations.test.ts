// What an operator sees: /metrics series that move, one trace from the gateway through the
// subgraphs it calls, compressed large answers. Readiness under a downed dependency is in
// redis-outage.test.ts; readiness on SIGTERM in shutdown.test.ts.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { request as httpRequest } from 'undici';
import { startTracing } from '../platform/observability/tracing.js';
import type { Tracing } from '../platform/observability/tracing.js';
import { PANELS, metricNames } from '../scripts/grafana-dashboard.js';
import { dataOf, errorCodes } from './support/graphql.js';
import { eventually } from './support/eventually.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';
import type { TestUser } from './support/users.js';

const spans = new InMemorySpanExporter();
let tracing: Tracing;
let supergraph: TestSupergraph;
let author: TestUser;
let postId: string;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'test', exporter: spans });
  supergraph = await startTestSupergraph();
  author = await registerUser(supergraph, 'operator');
  postId = dataOf(await supergraph.request<{ createPost: { id: string } }>('mutation { createPost(body: "observed") { id } }', {}, { token: author.accessToken })).createPost.id;
  dataOf(await supergraph.request('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: postId }, { token: author.accessToken }));
}, 60_000);
afterAll(async () => {
  await supergraph.stop();
  await tracing.shutdown();
});

const baseOf = (graphqlUrl: string): string => graphqlUrl.replace(/\/graphql$/, '');
const processes = (): Record<string, string> => ({
  gateway: baseOf(supergraph.gatewayUrl),
  ...Object.fromEntries(Object.entries(supergraph.subgraphs).map(([name, subgraph]) => [name, baseOf(subgraph.url)])),
});

/** A /metrics scrape: a sample's value by its name and labels (in any order; 0 when absent), and the metric families. */
async function scrape(base: string): Promise<{ text: string; value(name: string, labels: Record<string, string>): number; families: Set<string> }> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
  return {
    text,
    families,
    value(name, labels) {
      const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
      const line = text.split('\n').find((candidate) => {
        const match = /^(\w+)\{(.*)\} \S+$/.exec(candidate);
        return match?.[1] === name && wanted.every((pair) => match[2]!.split(',').includes(pair));
      });
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    },
  };
}

const POPULAR = 'query PopularProbe { popularPosts(first: 3) { body author { username } likeCount } }';

describe('/metrics', () => {
  test('the gateway counts requests by operation, type and outcome, and times each subgraph fetch', async () => {
    const gateway = baseOf(supergraph.gatewayUrl);
    const before = await scrape(gateway);
    for (let i = 0; i < 3; i += 1) dataOf(await supergraph.request(POPULAR));
    expect(errorCodes(await supergraph.request('query BrokenProbe { nope }'))).toEqual(['BAD_USER_INPUT']);
    await supergraph.request('{ __typename }');
    const after = await scrape(gateway);
    const requests = 'graphql_request_duration_seconds_count';
    const popular = { operation_name: 'PopularProbe', operation_type: 'query', outcome: 'success' };
    expect(after.value(requests, popular) - before.value(requests, popular)).toBe(3);
    expect(after.value(requests, { operation_name: 'BrokenProbe', operation_type: 'query', outcome: 'client_error' })).toBe(1);
    expect(after.value(requests, { operation_name: '(anonymous)', operation_type: 'query', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    for (const subgraph of ['likes', 'posts', 'users']) {
      const fetches = (metrics: typeof after) => metrics.value('gateway_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'success' });
      expect([subgraph, fetches(after) - fetches(before)]).toEqual([subgraph, 3]);
    }
  });

  test('counts operations refused by a limit, by the limit', async () => {
    const gateway = baseOf(supergraph.gatewayUrl);
    const rejected = async () => (await scrape(gateway)).value('graphql_operations_rejected_total', { limit: 'depth' });
    const before = await rejected();
    const deep = `{ post(id: "${postId}") { author { posts(first: 1) { edges { node { author { posts(first: 1) { edges { node { author { posts(first: 1) { edges { node { id } } } } } } } } } } } } } }`;
    expect(errorCodes(await supergraph.request(deep))).toEqual(['BAD_USER_INPUT']);
    expect((await rejected()) - before).toBe(1);
  });

  test('every subgraph reports its requests, database pool and the processes', async () => {
    for (const [name, base] of Object.entries(processes())) {
      const metrics = await scrape(base);
      for (const family of ['graphql_request_duration_seconds', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds']) expect([name, metrics.families.has(family)]).toEqual([name, true]);
      if (name !== 'gateway') expect([name, metrics.text]).toEqual([name, expect.stringMatching(/^db_pool_connections\{.*state="idle".*\} \d+$/m)]);
    }
    expect((await scrape(processes()['posts']!)).text).toMatch(/^outbox_backlog\{.*service="posts".*\} 0$/m);
    expect((await scrape(processes()['likes']!)).text).toMatch(/^event_consumer_lag\{.*group="likes".*\} 0$/m);
  });

  test('every series the Grafana dashboard plots is exported by some process', async () => {
    const exported = new Set<string>();
    for (const base of Object.values(processes())) for (const family of (await scrape(base)).families) exported.add(family);
    const plotted = [...new Set(PANELS.flatMap((panel) => panel.queries.flatMap(([expr]) => metricNames(expr))))];
    expect(plotted.filter((name) => !exported.has(name))).toEqual([]);
  });
});

describe('tracing', () => {
  test('one trace covers the gateway (planning, each fetch) and every subgraph the query reaches, down to its SQL', async () => {
    spans.reset();
    // An operation not seen before, so the gateway plans it rather than reading its plan cache.
    dataOf(await supergraph.request(POPULAR.replace('PopularProbe', 'TraceProbe')));
    let trace: ReadableSpan[] = [];
    await eventually(() => {
      const root = spans.getFinishedSpans().find((span) => span.instrumentationScope.name === 'gateway' && span.kind === SpanKind.SERVER);
      trace = root ? spans.getFinishedSpans().filter((span) => span.spanContext().traceId === root.spanContext().traceId) : [];
      return new Set(trace.filter((span) => span.kind === SpanKind.SERVER).map((span) => span.instrumentationScope.name)).size >= 4;
    }, 5_000, 'server spans of the gateway and three subgraphs');
    const names = trace.map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['gateway.plan', 'gateway.fetch', 'gateway.execute', 'db.query']));
    const servers = trace.filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => span.instrumentationScope.name).sort()).toEqual(['gateway', 'likes', 'posts', 'users']);
    // Each subgraph's request span is the child of one of the gateway's fetch spans, across HTTP.
    const fetchIds = new Set(trace.filter((span) => span.name === 'gateway.fetch').map((span) => span.spanContext().spanId));
    for (const server of servers.filter((span) => span.instrumentationScope.name !== 'gateway')) expect(fetchIds.has(server.parentSpanContext?.spanId ?? '')).toBe(true);
    const statements = trace.filter((span) => span.name === 'db.query');
    expect(statements.every((span) => typeof span.attributes['db.statement'] === 'string' && !String(span.attributes['db.statement']).includes(author.email))).toBe(true);
  });


  test("a write's trace goes on through its domain event to the consumer's handling", async () => {
    spans.reset();
    dataOf(await supergraph.request('mutation TracedWrite { createPost(body: "traced") { id } }', {}, { token: author.accessToken }));
    await eventually(() => {
      const finished = spans.getFinishedSpans();
      const root = finished.find((span) => span.instrumentationScope.name === 'gateway' && span.kind === SpanKind.SERVER);
      return finished.some((span) => span.kind === SpanKind.CONSUMER && /^PostCreated handled by /.test(span.name) && span.spanContext().traceId === root?.spanContext().traceId);
    }, 10_000, 'a consumer span of PostCreated in the trace of createPost');
  });
});

describe('compression', () => {
  const post = (query: string, encoding: string) =>
    httpRequest(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': encoding }, body: JSON.stringify({ query }) });
  const LARGE = '{ __schema { types { name description fields { name description } } } }';

  test.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ])('a large answer is sent %s-encoded when the client accepts it, and decodes to the same JSON', async (encoding, decode) => {
    const plain = await post(LARGE, 'identity');
    const plainBody = Buffer.from(await plain.body.arrayBuffer());
    expect(plainBody.length).toBeGreaterThan(10_000);
    const packed = await post(LARGE, encoding);
    expect(packed.headers['content-encoding']).toBe(encoding);
    expect(String(packed.headers['vary'])).toMatch(/accept-encoding/i);
    const packedBody = Buffer.from(await packed.body.arrayBuffer());
    expect(packedBody.length).toBeLessThan(plainBody.length / 2);
    expect(JSON.parse(decode(packedBody).toString())).toEqual(JSON.parse(plainBody.toString()));
  });

  test('a small answer is sent as it is', async () => {
    const response = await post('{ __typename }', 'br, gzip');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(await response.body.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
