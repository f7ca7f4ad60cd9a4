// Caching benchmark: the same workloads through two gateways over the same subgraphs, one
// with CACHE=true and one without, run alternately (off/on, then on/off, …) so that the
// machine's drift falls on both. Both gateways are pinned to core 0 (only one is loaded at a
// time); the subgraphs, PostgreSQL, Redis and this load generator share core 1.
//
//   npm run bench:cache -- --connections 32 --seconds 10 --rounds 2 --varied 200
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { bearer, benchDatabases, closedLoop, cpuSeconds, freePort, percentile, pinSelf, rssMegabytes, runBenchmark, seedTimeline, signingKeys, startProcess, startSubgraphs, tearDown, waitForHealth } from './support.js';
import type { LoadRequest } from './support.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    posts: { type: 'string', default: '2000' },
    /** How many distinct posts the varied workloads ask for (the newest ones), each request one at random. */
    varied: { type: 'string', default: '2000' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);

const POST = 'query Post($id: ID!) { post(id: $id) { id body createdAt author { username displayName } likeCount likedByViewer } }';
const TIMELINE = 'query Timeline { publicTimeline(first: 20) { edges { node { id body createdAt author { username displayName } likeCount likedByViewer } } } }';

interface Workload {
  name: string;
  /** The request of worker `worker`. */
  request(worker: number): LoadRequest;
}

interface RunResult {
  requests: number;
  errors: number;
  latencies: number[];
  gatewayCpu: number;
  subgraphsCpu: number;
}

async function run(url: string, workload: Workload, gateway: ChildProcess, subgraphs: ChildProcess[]): Promise<RunResult> {
  const cpuOf = (children: ChildProcess[]): number => children.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0);
  const cpu = { gateway: 0, subgraphs: 0 };
  const result = await closedLoop({
    url,
    connections: CONNECTIONS,
    warmupSeconds: 2,
    seconds: SECONDS,
    next: workload.request,
    window: (phase) => {
      const sign = phase === 'open' ? -1 : 1;
      cpu.gateway += sign * cpuOf([gateway]);
      cpu.subgraphs += sign * cpuOf(subgraphs);
    },
  });
  return { ...result, gatewayCpu: cpu.gateway, subgraphsCpu: cpu.subgraphs };
}

function summary(results: RunResult[]) {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const sorted = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  return {
    requestsPerSecond: requests / (SECONDS * results.length),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    gatewayCpuMs: (1_000 * results.reduce((sum, result) => sum + result.gatewayCpu, 0)) / requests,
    subgraphsCpuMs: (1_000 * results.reduce((sum, result) => sum + result.subgraphsCpu, 0)) / requests,
  };
}

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, ['users', 'posts', 'likes']);
  const keys = signingKeys();
  const [plainPort, cachedPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  try {
    const started = await startSubgraphs({ names: ['users', 'posts', 'likes'], databases: databases.urls, keys, redisUrl: args.redis, core: 1 });
    const subgraphs = started.children;
    children.push(...subgraphs);
    const gatewayEnv = {
      // The subgraphs' prefix: the cached gateway hears their announcements.
      REDIS_URL: args.redis,
      REDIS_PREFIX: started.redisPrefix,
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      ...Object.fromEntries(Object.entries(started.urls).map(([name, url]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, url])),
      // The load generator is one address: the rate limit would measure itself.
      RATE_LIMIT_MAX: '0',
    };
    // One after the other, with patience: on a loaded machine a gateway takes a while to plan its start.
    const startGateway = async (port: number, env: Record<string, string>): Promise<ChildProcess> => {
      const child = startProcess(0, ['dist/gateway/main.js'], { ...gatewayEnv, ...env, PORT: String(port) });
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}/health`, 600);
      return child;
    };
    const gateways = { off: await startGateway(plainPort, {}), on: await startGateway(cachedPort, { CACHE: 'true' }) };
    const urls = { off: `http://127.0.0.1:${plainPort}/graphql`, on: `http://127.0.0.1:${cachedPort}/graphql` };

    const { users, postIds: allPosts } = await seedTimeline(urls.off, databases.urls, Number(args.posts));
    const postIds = allPosts.slice(0, Number(args.varied));
    const randomPost = (): string => JSON.stringify({ query: POST, variables: { id: postIds[Math.floor(Math.random() * postIds.length)] } });
    const timeline = JSON.stringify({ query: TIMELINE });
    const viewer = (worker: number) => bearer(users[worker % users.length]!.token);
    const workloads: Workload[] = [
      { name: `varied post(id), anonymous (${postIds.length} posts, uniform)`, request: () => ({ body: randomPost() }) },
      { name: `varied post(id), signed in (40 viewers)`, request: (worker) => ({ body: randomPost(), headers: viewer(worker) }) },
      { name: 'signed-in timeline (40 viewers)', request: (worker) => ({ body: timeline, headers: viewer(worker) }) },
    ];

    console.log('| workload | cache | req/s | errors | p50 ms | p99 ms | gateway CPU ms/req | subgraphs CPU ms/req | gateway RSS |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const ratios: string[] = [];
    for (const workload of workloads) {
      const results: Record<'off' | 'on', RunResult[]> = { off: [], on: [] };
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const candidate of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          results[candidate].push(await run(urls[candidate], workload, gateways[candidate], subgraphs));
        }
      }
      const [off, on] = [summary(results.off), summary(results.on)];
      for (const [label, row, gateway] of [['off', off, gateways.off], ['on', on, gateways.on]] as const) {
        console.log(
          `| ${workload.name} | ${label} | ${row.requestsPerSecond.toFixed(0)} | ${row.errors} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.gatewayCpuMs.toFixed(2)} | ${row.subgraphsCpuMs.toFixed(2)} | ${rssMegabytes(gateway.pid!).toFixed(0)} MB |`,
        );
      }
      ratios.push(
        `| ${workload.name} | ${(on.requestsPerSecond / off.requestsPerSecond).toFixed(2)}× | ${(on.p50 / off.p50).toFixed(2)}× | ${(on.p99 / off.p99).toFixed(2)}× | ${(on.gatewayCpuMs / off.gatewayCpuMs).toFixed(2)}× | ${(on.subgraphsCpuMs / off.subgraphsCpuMs).toFixed(2)}× |`,
      );
    }
    console.log('\n| workload | req/s on/off | p50 on/off | p99 on/off | gateway CPU/req on/off | subgraphs CPU/req on/off |');
    console.log('|---|---|---|---|---|---|');
    for (const row of ratios) console.log(row);
  } finally {
    await tearDown(children, databases);
  }
}

runBenchmark(main);
