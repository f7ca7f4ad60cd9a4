// Subscription fan-out benchmark: N clients hold `userStatsChanged` on one user through
// the gateway; events are published at M per second; each client measures how long every
// event took to arrive. The gateway runs as its own process pinned to core 0 and its CPU is
// read from /proc; the users subgraph, Redis, PostgreSQL and this process share core 1.
//
//   npm run bench:subscriptions -- --subscribers 5000 --rate 10 --seconds 20
//
// Events are published straight to the user's Redis channel. Delivery is complete and in
// order (the counts received prove it), so the k-th event a client receives is the k-th
// published, and its latency is measured from that publish. Everything after the publish
// is measured: Redis → users subgraph (counts and `user { username }` read per event) →
// gateway (shared upstream stream, one plan execution per event) → every client.
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { benchDatabases, cpuSeconds, freePort, percentile, pinSelf, rssMegabytes, runBenchmark, signingKeys, startProcess, tearDown, waitForHealth } from './support.js';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
    /** Writes a V8 CPU profile of the gateway to bench/results/. */
    profile: { type: 'boolean', default: false },
    /** Gives every client its own alias, so nothing can be shared: the cost without de-duplication. */
    distinct: { type: 'boolean', default: false },
  },
});
const SUBSCRIBERS = Number(args.subscribers);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const query = (client: number): string =>
  `subscription ($id: ID!) { ${args.distinct ? `c${client}: ` : ''}userStatsChanged(userId: $id) { followersCount followingCount user { username } } }`;

/** A minimal graphql-transport-ws client: connect, subscribe, and time every event. */
function subscriber(client: number, url: string, userId: string, sentAt: Map<number, number>, latencies: number[], measured: (sequence: number) => boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('error', reject);
    let received = 0;
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: { data?: unknown } };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: query(client), variables: { id: userId } } }));
        resolve(ws);
      } else if (message.type === 'next' && message.payload?.data) {
        received += 1;
        const sent = sentAt.get(received);
        if (sent !== undefined && measured(received)) latencies.push(performance.now() - sent);
      } else if (message.type === 'ping') ws.send('{"type":"pong"}');
    });
  });
}

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, ['users']);
  const keys = signingKeys();
  const [usersPort, gatewayPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const redis = new Redis(args.redis);
  const prefix = `bench-${Date.now().toString(36)}`;
  const channel = (userId: string): string => `${prefix}:userStatsChanged:${userId}`;
  const sockets: WebSocket[] = [];
  try {
    children.push(
      startProcess(1, ['dist/subgraphs/main.js', 'users'], {
        PORT: String(usersPort),
        HOST: '127.0.0.1',
        USERS_DATABASE_URL: databases.urls['users']!,
        REDIS_URL: args.redis,
        REDIS_PREFIX: prefix,
        JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY,
      }),
    );
    await waitForHealth(`http://127.0.0.1:${usersPort}/health`);
    const gateway = startProcess(
      0,
      ['dist/gateway/main.js'],
      { PORT: String(gatewayPort), USERS_SUBGRAPH_URL: `http://127.0.0.1:${usersPort}/graphql`, JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY },
      args.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [],
    );
    children.push(gateway);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/health`);

    const registered = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { register(input: { username: "bench_star", email: "star@bench.dev", password: "benchmark password" }) { user { id } } }' }),
    });
    const userId = ((await registered.json()) as { data: { register: { user: { id: string } } } }).data.register.user.id;

    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    // Only events published inside the measured window count, whenever they arrive.
    let window: [number, number] = [Infinity, Infinity];
    const url = `ws://127.0.0.1:${gatewayPort}/graphql`;
    for (let opened = 0; opened < SUBSCRIBERS; opened += 250) {
      const batch = Math.min(250, SUBSCRIBERS - opened);
      sockets.push(
        ...(await Promise.all(
          Array.from({ length: batch }, (_, index) => subscriber(opened + index, url, userId, sentAt, latencies, (sequence) => sequence >= window[0] && sequence <= window[1])),
        )),
      );
    }
    // Every subscribe has reached the subgraph once Redis reports its listener.
    for (;;) {
      const reply = (await redis.pubsub('NUMSUB', channel(userId))) as Array<string | number>;
      if (Number(reply[1]) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    let sequence = 0;
    const publish = (): void => {
      sequence += 1;
      sentAt.set(sequence, performance.now());
      void redis.publish(channel(userId), JSON.stringify({ userId }));
    };
    const timer = setInterval(publish, 1_000 / RATE);
    await new Promise((resolve) => setTimeout(resolve, WARMUP * 1_000));
    const firstMeasured = sequence + 1;
    window = [firstMeasured, Infinity];
    const cpuBefore = cpuSeconds(gateway.pid!);
    const usersCpuBefore = cpuSeconds(children[0]!.pid!);
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
    const lastMeasured = sequence;
    window = [firstMeasured, lastMeasured];
    const elapsed = (performance.now() - started) / 1_000;
    const cpu = (cpuSeconds(gateway.pid!) - cpuBefore) / elapsed;
    const usersCpu = (cpuSeconds(children[0]!.pid!) - usersCpuBefore) / elapsed;
    const clientCpuUsed = process.cpuUsage(clientCpuBefore);
    const clientCpu = (clientCpuUsed.user + clientCpuUsed.system) / 1e6 / elapsed;
    clearInterval(timer);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const sorted = latencies.sort((a, b) => a - b);
    const expected = (lastMeasured - firstMeasured + 1) * SUBSCRIBERS;
    const result = {
      sharing: args.distinct ? 'none (distinct operations)' : 'shared',
      subscribers: SUBSCRIBERS,
      eventsPerSecond: RATE,
      seconds: SECONDS,
      deliveries: `${sorted.length}/${expected}`,
      p50ms: percentile(sorted, 50).toFixed(1),
      p95ms: percentile(sorted, 95).toFixed(1),
      p99ms: percentile(sorted, 99).toFixed(1),
      maxms: (sorted.at(-1) ?? NaN).toFixed(1),
      gatewayCpuPercentOfOneCore: (cpu * 100).toFixed(0),
      gatewayRssMb: rssMegabytes(gateway.pid!).toFixed(0),
      usersSubgraphCpuPercent: (usersCpu * 100).toFixed(0),
      clientsCpuPercent: (clientCpu * 100).toFixed(0),
    };
    console.log(JSON.stringify(result));
    console.log(
      `| ${result.sharing} | ${result.subscribers} | ${result.eventsPerSecond}/s | ${result.deliveries} | ${result.p50ms} | ${result.p95ms} | ${result.p99ms} | ${result.maxms} | ${result.gatewayCpuPercentOfOneCore}% | ${result.gatewayRssMb} MB | ${result.usersSubgraphCpuPercent}% | ${result.clientsCpuPercent}% |`,
    );
  } finally {
    for (const socket of sockets) socket.terminate();
    redis.disconnect();
    await tearDown(children, databases);
  }
}

runBenchmark(main);
