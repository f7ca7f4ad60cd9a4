// Caching benchmark: the same workloads through two gateways over the same subgraphs, one
// with CACHE=true and one without, run alternately (off/on, then on/off, …) so that the
// machine's drift falls on both. Both gateways are pinned to core 0 (only one is loaded at a
// time); the subgraphs, PostgreSQL, Redis and this load generator share core 1.
//
//   npm run bench:cache -- --connections 32 --seconds 10 --rounds 2 --varied 200
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Agent, fetch } from 'undici';
import { benchDatabases, cpuSeconds, freePort, insertBulk, percentile, pinSelf, rssMegabytes, runBenchmark, signingKeys, startProcess, tearDown, waitForHealth } from './support.js';

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
  /** The body and token of the `n`-th request of worker `worker`. */
  request(worker: number, n: number): { body: string; token: string | undefined };
}

interface RunResult {
  requests: number;
  errors: number;
  latencies: number[];
  gatewayCpu: number;
  subgraphsCpu: number;
}

async function run(url: string, workload: Workload, gateway: ChildProcess, subgraphs: ChildProcess[]): Promise<RunResult> {
  const agent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let running = true;
  const worker = async (index: number): Promise<void> => {
    for (let n = 0; running; n += 1) {
      const { body, token } = workload.request(index, n);
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body,
      });
      const result = (await response.json()) as { errors?: unknown };
      if (!measuring) continue;
      if (response.status !== 200 || result.errors) errors += 1;
      latencies.push(performance.now() - started);
    }
  };
  const workers = Array.from({ length: CONNECTIONS }, (_, index) => worker(index));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const cpuOf = (children: ChildProcess[]): number => children.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0);
  const [gatewayBefore, subgraphsBefore] = [cpuOf([gateway]), cpuOf(subgraphs)];
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
  measuring = false;
  const [gatewayCpu, subgraphsCpu] = [cpuOf([gateway]) - gatewayBefore, cpuOf(subgraphs) - subgraphsBefore];
  running = false;
  await Promise.all(workers);
  await agent.close();
  return { requests: latencies.length, errors, latencies, gatewayCpu, subgraphsCpu };
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
  const [usersPort, postsPort, likesPort, plainPort, cachedPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  try {
    // One Redis prefix for all: the cached gateway hears the subgraphs' announcements.
    const common = {
      REDIS_URL: args.redis,
      REDIS_PREFIX: `bench-${randomUUID()}`,
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      USERS_SUBGRAPH_URL: `http://127.0.0.1:${usersPort}/graphql`,
      REGISTRATIONS_PER_ADDRESS: '1000',
    };
    const subgraphs = [
      startProcess(1, ['dist/subgraphs/main.js', 'users'], { ...common, PORT: String(usersPort), USERS_DATABASE_URL: databases.urls['users']!, JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY }),
      startProcess(1, ['dist/subgraphs/main.js', 'posts'], { ...common, PORT: String(postsPort), POSTS_DATABASE_URL: databases.urls['posts']! }),
      startProcess(1, ['dist/subgraphs/main.js', 'likes'], { ...common, PORT: String(likesPort), LIKES_DATABASE_URL: databases.urls['likes']!, POSTS_SUBGRAPH_URL: `http://127.0.0.1:${postsPort}/graphql` }),
    ];
    children.push(...subgraphs);
    for (const port of [usersPort, postsPort, likesPort]) await waitForHealth(`http://127.0.0.1:${port}/health`);
    const gatewayEnv = {
      ...common,
      POSTS_SUBGRAPH_URL: `http://127.0.0.1:${postsPort}/graphql`,
      LIKES_SUBGRAPH_URL: `http://127.0.0.1:${likesPort}/graphql`,
      // The load generator is one address: the rate limit would measure itself.
      RATE_LIMIT_MAX: '0',
    };
    // One after the other, with patience: on a loaded machine a gateway takes a while to plan its start.
    const startGateway = async (port: number, env: Record<string, string>): Promise<ChildProcess> => {
      const child = startProcess(0, ['dist/gateway/main.js'], { ...gatewayEnv, ...env, PORT: String(port) });
      children.push(child);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await waitForHealth(`http://127.0.0.1:${port}/health`);
          return child;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
    };
    const gateways = { off: await startGateway(plainPort, {}), on: await startGateway(cachedPort, { CACHE: 'true' }) };
    const urls = { off: `http://127.0.0.1:${plainPort}/graphql`, on: `http://127.0.0.1:${cachedPort}/graphql` };

    // 40 users through the API (they need real accounts and tokens), posts and likes in bulk.
    const users: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(urls.off, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
          variables: { input: { username: `reader_${i}`, email: `reader${i}@bench.dev`, password: 'benchmark password' } },
        }),
      });
      const { data } = (await response.json()) as { data: { register: { accessToken: string; user: { id: string } } } };
      users.push({ id: data.register.user.id, token: data.register.accessToken });
    }
    const now = Date.now();
    const posts = Array.from({ length: Number(args.posts) }, (_, index) => [randomUUID(), users[index % users.length]!.id, `Benchmark post ${index}`, new Date(now - index * 1_000), new Date(now - index * 1_000)]);
    await insertBulk(databases.urls['posts']!, 'INSERT INTO posts (id, author_id, body, created_at, updated_at)', posts);
    await insertBulk(databases.urls['likes']!, 'INSERT INTO known_posts (id)', posts.map(([id]) => [id]));
    const likes = posts.slice(0, 200).flatMap(([postId], index) => users.slice(0, 5 + (index % 30)).map((user) => [postId, user.id]));
    await insertBulk(databases.urls['likes']!, 'INSERT INTO likes (post_id, user_id)', likes);

    const postIds = posts.slice(0, Number(args.varied)).map(([id]) => id as string);
    const randomPost = (): string => JSON.stringify({ query: POST, variables: { id: postIds[Math.floor(Math.random() * postIds.length)] } });
    const timeline = JSON.stringify({ query: TIMELINE });
    const workloads: Workload[] = [
      { name: `varied post(id), anonymous (${postIds.length} posts, uniform)`, request: () => ({ body: randomPost(), token: undefined }) },
      { name: `varied post(id), signed in (40 viewers)`, request: (worker) => ({ body: randomPost(), token: users[worker % users.length]!.token }) },
      { name: 'signed-in timeline (40 viewers)', request: (worker) => ({ body: timeline, token: users[worker % users.length]!.token }) },
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
