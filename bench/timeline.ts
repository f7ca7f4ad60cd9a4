// Query benchmark: `publicTimeline(first: 20)` with fields from all three subgraphs (posts,
// users for the author, likes for the count and likedByViewer), through the gateway, from
// C concurrent connections in a closed loop. The gateway runs pinned to core 0; the
// subgraphs, PostgreSQL, Redis and this load generator share core 1.
//
//   npm run bench:timeline -- --connections 32 --seconds 15
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { bearer, benchDatabases, closedLoop, cpuSeconds, freePort, percentile, pinSelf, rssMegabytes, runBenchmark, seedTimeline, signingKeys, startProcess, startSubgraphs, tearDown, waitForHealth } from './support.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '15' },
    posts: { type: 'string', default: '2000' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const QUERY = 'query Timeline { publicTimeline(first: 20) { edges { node { id body createdAt author { username displayName } likeCount likedByViewer } } } }';

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, ['users', 'posts', 'likes']);
  const keys = signingKeys();
  const gatewayPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const subgraphs = await startSubgraphs({
      names: ['users', 'posts', 'likes'],
      databases: databases.urls,
      keys,
      redisUrl: args.redis,
      core: 1,
      nodeArgs: { posts: ['--cpu-prof', '--cpu-prof-dir=bench/results'] },
    });
    children.push(...subgraphs.children);
    const gateway = startProcess(0, ['dist/gateway/main.js'], {
      PORT: String(gatewayPort),
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      // Every request comes from one address: the default limit (3,000 a minute) would answer most with RATE_LIMITED.
      RATE_LIMIT_MAX: '0',
      USERS_SUBGRAPH_URL: subgraphs.urls['users']!,
      POSTS_SUBGRAPH_URL: subgraphs.urls['posts']!,
      LIKES_SUBGRAPH_URL: subgraphs.urls['likes']!,
    });
    children.push(gateway);
    const url = `http://127.0.0.1:${gatewayPort}/graphql`;
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/health`);
    const { users } = await seedTimeline(url, databases.urls, Number(args.posts));

    for (const [label, tokens] of [['anonymous', [undefined]], ['signed in (40 viewers)', users.map((user) => user.token)]] as const) {
      const cpuBefore = children.map((child) => cpuSeconds(child.pid!));
      const loadBefore = process.cpuUsage();
      const started = performance.now();
      const result = await closedLoop({
        url,
        connections: CONNECTIONS,
        warmupSeconds: 2,
        seconds: SECONDS,
        next: (worker) => {
          const token = tokens[worker % tokens.length];
          return { body: JSON.stringify({ query: QUERY }), headers: bearer(token) };
        },
      });
      const elapsed = (performance.now() - started) / 1_000;
      const cpu = children.map((child, index) => ((100 * (cpuSeconds(child.pid!) - cpuBefore[index]!)) / elapsed).toFixed(0));
      const load = process.cpuUsage(loadBefore);
      const sorted = result.latencies.sort((a, b) => a - b);
      const row = {
        clients: label,
        connections: CONNECTIONS,
        requestsPerSecond: (result.requests / SECONDS).toFixed(0),
        errors: result.errors,
        p50ms: percentile(sorted, 50).toFixed(1),
        p95ms: percentile(sorted, 95).toFixed(1),
        p99ms: percentile(sorted, 99).toFixed(1),
        gatewayCpuPercent: cpu[3],
        gatewayRssMb: rssMegabytes(gateway.pid!).toFixed(0),
        subgraphsCpuPercent: `users ${cpu[0]}%, posts ${cpu[1]}%, likes ${cpu[2]}%`,
        loadGeneratorCpuPercent: ((100 * (load.user + load.system)) / 1e6 / elapsed).toFixed(0),
      };
      console.log(JSON.stringify(row));
      console.log(
        `| ${row.clients} | ${row.connections} | ${row.requestsPerSecond} | ${row.errors} | ${row.p50ms} | ${row.p95ms} | ${row.p99ms} | ${row.gatewayCpuPercent}% | ${row.gatewayRssMb} MB | ${row.subgraphsCpuPercent} | ${row.loadGeneratorCpuPercent}% |`,
      );
    }
  } finally {
    await tearDown(children, databases);
  }
}

runBenchmark(main);
