// Subgraph benchmark: what one subgraph fetch costs the subgraph, without the gateway.
//
// 1. Capture: users, posts and likes run with the gateway in front; the gateway reaches each
//    through a recording proxy in this process, and the three gateway workloads
//    (anonymous timeline, signed-in timeline with 40 viewers, a different `post(id)` each
//    time) are sent once each. The proxy keeps every request the gateway made: operation,
//    variables (entity representations), `Authorization`, `X-Forwarded-For`.
// 2. Replay: each candidate build of the subgraph under test (`--dist`, and `--baseline` when
//    given) runs pinned to core 0 on the same databases; the captured requests are replayed
//    straight at it from C connections in a closed loop, candidates alternating round by
//    round. CPU ms per request is the process's user+system time from /proc over the round,
//    divided by the requests it answered; RSS is read from /proc at the end of each round.
//
//   npm run bench:subgraphs -- --baseline .baseline-dist --rounds 3 --seconds 5
//   npm run bench:subgraphs -- --subgraphs likes   (posts and users unless told)
//   npm run bench:subgraphs -- --profile   (CPU profiles under bench/results/, then summarised)
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { summariseProfile } from './profile-breakdown.js';
import { benchDatabases, cpuSeconds, freePort, percentile, pinSelf, postGraphQL, rssMegabytes, runBenchmark, subgraphEnv, seedTimeline, signingKeys, startProcess, tearDown, waitForHealth } from './support.js';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    baseline: { type: 'string' },
    /** Extra `node` options for the new build's process only (a V8 flag under test, say). */
    'node-args': { type: 'string', default: '' },
    subgraphs: { type: 'string', default: 'posts,users' },
    workloads: { type: 'string', default: 'timeline,signed-in timeline,post(id)' },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const PROFILE_DIR = 'bench/results/subgraph-profiles';

const FIELDS = 'id body createdAt author { username displayName } likeCount likedByViewer';
const WORKLOADS = {
  timeline: { query: `query Timeline { publicTimeline(first: 20) { edges { node { ${FIELDS} } } } }`, signedIn: false },
  'signed-in timeline': { query: `query Timeline { publicTimeline(first: 20) { edges { node { ${FIELDS} } } } }`, signedIn: true },
  'post(id)': { query: `query Post($id: ID!) { post(id: $id) { ${FIELDS} } }`, signedIn: false },
} as const;
type Workload = keyof typeof WORKLOADS;

/** One request as the gateway sent it to a subgraph. */
interface Captured {
  headers: Record<string, string>;
  body: string;
}

/** The subgraphs the gateway reaches through a recording proxy: each can be replayed. */
const SERVICES = ['users', 'posts', 'likes'] as const;
type Service = (typeof SERVICES)[number];

const graphqlUrl = (port: number): string => `http://127.0.0.1:${port}/graphql`;

interface RecordingProxy {
  server: Server;
  recording: Captured[] | null;
}

/** A proxy that forwards to `target` and keeps what it forwarded while `recording` is set. */
function recordingProxy(target: string, port: number): RecordingProxy {
  const state: RecordingProxy = { server: undefined as unknown as Server, recording: null };
  const pool = new Pool(new URL(target).origin, { connections: 16 });
  state.server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const name of ['authorization', 'x-forwarded-for', 'apollo-federation-include-trace']) {
        const value = incoming.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      state.recording?.push({ headers, body });
      pool
        .request({ path: new URL(target).pathname, method: 'POST', headers, body })
        .then(async (response) => {
          outgoing.writeHead(response.statusCode, { 'content-type': 'application/json' });
          outgoing.end(await response.body.text());
        })
        .catch(() => outgoing.writeHead(502).end());
    });
  });
  state.server.listen(port, '127.0.0.1');
  return state;
}

/** Replays `requests` (round-robin) at `url` from C connections for `seconds`. */
async function replay(url: string, requests: Captured[], seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1_000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const captured = requests[next++ % requests.length]!;
      const started = performance.now();
      const response = await pool.request({ path: target.pathname, method: 'POST', headers: captured.headers, body: captured.body });
      const text = await response.body.text();
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200 || text.includes('"errors"')) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.close();
  return { latencies, errors };
}

interface Candidate {
  label: string;
  /** When its process was started (performance.now()): where its CPU profile begins. */
  started: number;
  dist: string;
  child: ChildProcess;
  url: string;
}

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, [...SERVICES]);
  const keys = signingKeys();
  const ports = {} as Record<Service, { subgraph: number; proxy: number }>;
  for (const service of SERVICES) ports[service] = { subgraph: await freePort(), proxy: await freePort() };
  const gatewayPort = await freePort();
  const children: ChildProcess[] = [];
  const settings = {
    urls: { users: graphqlUrl(ports.users.subgraph), posts: graphqlUrl(ports.posts.subgraph) },
    databases: databases.urls,
    keys,
    redisUrl: args.redis,
    redisPrefix: `bench-${randomUUID()}`,
  };
  const envOf = (name: string, port: number): Record<string, string> => subgraphEnv(name, { ...settings, port });
  const proxies = Object.fromEntries(SERVICES.map((service) => [service, recordingProxy(graphqlUrl(ports[service].subgraph), ports[service].proxy)])) as Record<Service, RecordingProxy>;
  try {
    // 1. Capture what the gateway sends.
    for (const service of SERVICES) children.push(startProcess(1, [`${args.dist}/subgraphs/main.js`, service], envOf(service, ports[service].subgraph)));
    for (const service of SERVICES) await waitForHealth(`http://127.0.0.1:${ports[service].subgraph}/health`, 120);
    const gateway = startProcess(1, [`${args.dist}/gateway/main.js`], {
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY,
      ...Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_SUBGRAPH_URL`, graphqlUrl(ports[service].proxy)])),
    });
    children.push(gateway);
    const gatewayUrl = graphqlUrl(gatewayPort);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/health`, 120);

    const { users, postIds } = await seedTimeline(gatewayUrl, databases.urls, 2_000);

    const captured: Record<string, Record<Workload, Captured[]>> = {};
    for (const workload of Object.keys(WORKLOADS) as Workload[]) {
      for (const proxy of Object.values(proxies)) proxy.recording = [];
      const { query, signedIn } = WORKLOADS[workload];
      const sends =
        workload === 'post(id)'
          ? postIds.slice(0, 200).map((id) => () => postGraphQL(gatewayUrl, query, { id }))
          : signedIn
            ? users.map((user) => () => postGraphQL(gatewayUrl, query, {}, user.token))
            : [() => postGraphQL(gatewayUrl, query)];
      // One at a time: the gateway's de-duplication would otherwise merge identical fetches.
      for (const send of sends) {
        const result = await send();
        if (result.errors) throw new Error(`${workload}: ${JSON.stringify(result.errors)}`);
      }
      for (const service of SERVICES) (captured[service] ??= {} as Record<Workload, Captured[]>)[workload] = proxies[service].recording!;
    }
    for (const proxy of Object.values(proxies)) proxy.recording = null;
    for (const [service, workloads] of Object.entries(captured)) {
      for (const [workload, requests] of Object.entries(workloads)) {
        const operation = (JSON.parse(requests[0]!.body) as { query: string }).query;
        console.log(`captured ${service} / ${workload}: ${requests.length} requests, e.g. ${operation}`);
      }
    }

    // 2. Replay at each candidate, alternating.
    const rows: string[] = [];
    for (const service of args.subgraphs.split(',')) {
      if (args.profile) {
        rmSync(PROFILE_DIR, { recursive: true, force: true });
        mkdirSync(PROFILE_DIR, { recursive: true });
      }
      const candidates: Candidate[] = [];
      for (const [label, dist] of [['new', args.dist], ...(args.baseline ? [['baseline', args.baseline]] : [])] as Array<[string, string]>) {
        const port = await freePort();
        const nodeArgs = [...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${label}`] : []), ...(label === 'new' ? args['node-args'].split(' ').filter(Boolean) : [])];
        const started = performance.now();
        const child = startProcess(0, [`${dist}/subgraphs/main.js`, service], envOf(service, port), nodeArgs);
        candidates.push({ label, started, dist, child, url: graphqlUrl(port) });
        // One at a time: two migrating, compiling starts on a loaded machine can outlast the wait.
        await waitForHealth(`http://127.0.0.1:${port}/health`, 120);
      }
      // Warm-up: every workload's code paths compiled by V8 before anything is measured.
      for (const candidate of candidates) for (const workload of Object.keys(WORKLOADS) as Workload[]) await replay(candidate.url, captured[service]![workload], 2);
      const measuredFrom = performance.now();
      for (const workload of args.workloads.split(',') as Workload[]) {
        const requests = captured[service]![workload];
        const results = new Map<string, { cpu: number; requests: number; errors: number; latencies: number[]; rss: number[] }>();
        for (let round = 0; round < ROUNDS; round += 1) {
          const order = round % 2 === 0 ? candidates : [...candidates].reverse();
          for (const candidate of order) {
            const before = cpuSeconds(candidate.child.pid!);
            const result = await replay(candidate.url, requests, SECONDS);
            const cpu = cpuSeconds(candidate.child.pid!) - before;
            const total = results.get(candidate.label) ?? { cpu: 0, requests: 0, errors: 0, latencies: [], rss: [] };
            // Just after the round's load: what the process grew to while it worked.
            total.rss.push(rssMegabytes(candidate.child.pid!));
            total.cpu += cpu;
            total.requests += result.latencies.length;
            total.errors += result.errors;
            total.latencies.push(...result.latencies);
            results.set(candidate.label, total);
          }
        }
        const cpuMs: Record<string, number> = {};
        for (const [label, total] of results) {
          const sorted = total.latencies.sort((a, b) => a - b);
          cpuMs[label] = (1_000 * total.cpu) / total.requests;
          const row = `| ${service} | ${workload} | ${label} | ${(total.requests / (ROUNDS * SECONDS)).toFixed(0)} | ${total.errors} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${cpuMs[label]!.toFixed(3)} | ${(total.rss.reduce((sum, mb) => sum + mb, 0) / total.rss.length).toFixed(0)} |`;
          console.log(row);
          rows.push(row);
        }
        if (cpuMs['baseline']) {
          const ratio = `| ${service} | ${workload} | new / baseline CPU per request: ${(cpuMs['new']! / cpuMs['baseline']).toFixed(2)}× | | | | | | |`;
          console.log(ratio);
          rows.push(ratio);
        }
      }
      for (const candidate of candidates) candidate.child.kill('SIGTERM');
      await Promise.all(candidates.map((candidate) => new Promise((resolve) => (candidate.child.exitCode !== null ? resolve(null) : candidate.child.once('exit', resolve)))));
      if (args.profile) {
        for (const candidate of candidates) {
          const dir = `${PROFILE_DIR}/${candidate.label}`;
          for (const file of readdirSync(dir)) console.log(`\n${service} ${candidate.label} (${join(dir, file)}), after warm-up:\n${summariseProfile(join(dir, file), { skipMs: measuredFrom - candidate.started })}`);
        }
      }
    }
    console.log('\n| subgraph | workload | build | requests/s | errors | p50 ms | p99 ms | CPU ms per request | mean RSS MB |\n|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    for (const proxy of Object.values(proxies)) proxy.server.close();
    await tearDown(children, databases);
  }
}

runBenchmark(main);
