// Query benchmark: `publicTimeline(first: 20)` with fields from all three subgraphs (posts,
// users for the author, likes for the count and likedByViewer), through the gateway, from
// C concurrent connections in a closed loop. The gateway runs pinned to core 0; the
// subgraphs, PostgreSQL, Redis and this load generator share core 1.
//
//   npm run bench:timeline -- --connections 32 --seconds 15
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Agent, fetch } from 'undici';
import { benchDatabases, cpuSeconds, freePort, insertBulk, percentile, pinSelf, rssMegabytes, runBenchmark, signingKeys, startProcess, tearDown, waitForHealth } from './support.js';

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

async function run(url: string, tokens: Array<string | undefined>): Promise<{ requests: number; errors: number; latencies: number[] }> {
  const agent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let running = true;
  const worker = async (index: number): Promise<void> => {
    const token = tokens[index % tokens.length];
    while (running) {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await response.json()) as { errors?: unknown };
      if (!measuring) continue;
      if (response.status !== 200 || body.errors) errors += 1;
      latencies.push(performance.now() - started);
    }
  };
  const workers = Array.from({ length: CONNECTIONS }, (_, index) => worker(index));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
  measuring = false;
  running = false;
  await Promise.all(workers);
  await agent.close();
  return { requests: latencies.length, errors, latencies };
}

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, ['users', 'posts', 'likes']);
  const keys = signingKeys();
  const [usersPort, postsPort, likesPort, gatewayPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  try {
    const common = {
      REDIS_URL: args.redis,
      REDIS_PREFIX: `bench-${randomUUID()}`,
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      USERS_SUBGRAPH_URL: `http://127.0.0.1:${usersPort}/graphql`,
      // The benchmark signs up its 40 readers from one address.
      REGISTRATIONS_PER_ADDRESS: '1000',
    };
    children.push(startProcess(1, ['dist/subgraphs/main.js', 'users'], { ...common, PORT: String(usersPort), USERS_DATABASE_URL: databases.urls['users']!, JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY }));
    children.push(startProcess(1, ['dist/subgraphs/main.js', 'posts'], { ...common, PORT: String(postsPort), POSTS_DATABASE_URL: databases.urls['posts']! }, ['--cpu-prof', '--cpu-prof-dir=bench/results']));
    children.push(
      startProcess(1, ['dist/subgraphs/main.js', 'likes'], {
        ...common,
        PORT: String(likesPort),
        LIKES_DATABASE_URL: databases.urls['likes']!,
        POSTS_SUBGRAPH_URL: `http://127.0.0.1:${postsPort}/graphql`,
      }),
    );
    for (const port of [usersPort, postsPort, likesPort]) await waitForHealth(`http://127.0.0.1:${port}/health`);
    const gateway = startProcess(0, ['dist/gateway/main.js'], {
      PORT: String(gatewayPort),
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      USERS_SUBGRAPH_URL: `http://127.0.0.1:${usersPort}/graphql`,
      POSTS_SUBGRAPH_URL: `http://127.0.0.1:${postsPort}/graphql`,
      LIKES_SUBGRAPH_URL: `http://127.0.0.1:${likesPort}/graphql`,
    });
    children.push(gateway);
    const url = `http://127.0.0.1:${gatewayPort}/graphql`;
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/health`);

    // 40 users through the API (they need real accounts and tokens), posts and likes in bulk.
    const users: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(url, {
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

    for (const [label, tokens] of [['anonymous', [undefined]], ['signed in (40 viewers)', users.map((user) => user.token)]] as const) {
      const cpuBefore = children.map((child) => cpuSeconds(child.pid!));
      const loadBefore = process.cpuUsage();
      const started = performance.now();
      const result = await run(url, [...tokens]);
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
