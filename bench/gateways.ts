// Gateways side by side: this project's gateway, plain `@apollo/gateway` under Apollo Server
// (bench/peers/apollo-gateway.ts) and Hive Gateway with the Rust query planner
// (bench/peers/hive-gateway.ts), over the same subgraph processes and the same supergraph
// SDL. Every gateway is pinned to core 0 (only one is under load at a time); the subgraphs,
// PostgreSQL, Redis and this load generator share core 1. Each round runs every workload
// through every gateway, the gateways' order rotating from round to round; the table gives
// each one's median over the rounds and its ratio to this project's gateway.
//
//   npm run bench:gateways -- --connections 32 --seconds 10 --rounds 3
//
// `--profile` writes a CPU profile of this project's gateway (and of the variant) to
// bench/results/ on exit. `--node-args="…"` adds a second instance of this gateway started
// with those Node.js flags, and `--variant-dist <folder>` one started from another build
// (`<folder>/gateway/main.js`, e.g. an older commit compiled with `tsc --outDir`): candidate
// `variant`, measured in the same rounds. With it there are four candidates, so give a
// multiple of 4 rounds for every candidate to take every position in the order equally
// often (with `--gateways this`, a multiple of 2).
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetch } from 'undici';
import {
  bearer,
  benchDatabases,
  closedLoop,
  cpuSeconds,
  freePort,
  insertBulk,
  percentile,
  pinSelf,
  rssMegabytes,
  runBenchmark,
  seedTimeline,
  signingKeys,
  startProcess,
  startSubgraphs,
  tearDown,
  waitForHealth,
} from './support.js';
import type { LoadRequest, TimelineSeed } from './support.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    posts: { type: 'string', default: '2000' },
    /** Comma-separated subsets, to measure fewer candidates or workloads. */
    gateways: { type: 'string', default: 'this,apollo,hive' },
    workloads: { type: 'string', default: 'identical,varied,signed-in,five-subgraphs' },
    profile: { type: 'boolean', default: false },
    /**
     * Node.js flags (space-separated) for a second instance of this gateway, measured beside
     * the first as candidate `variant`: an A/B of V8 settings in one run.
     */
    'node-args': { type: 'string', default: '' },
    /** Another build of this project (a `dist/` folder, e.g. compiled from an older commit) as the variant: an A/B of code. */
    'variant-dist': { type: 'string' },
    /**
     * What the load generator accepts. The peers never compress; this gateway compresses
     * answers from 1 KiB when asked (`gzip` here measures that too).
     */
    'accept-encoding': { type: 'string', default: 'identity' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const CONNECTIONS = Number(args.connections);
const SUBGRAPHS = ['users', 'posts', 'likes', 'polls', 'links'];

const TIMELINE = 'query Timeline { publicTimeline(first: 20) { edges { node { id body createdAt author { username displayName } likeCount likedByViewer } } } }';
const POST = 'query Post($id: ID!) { post(id: $id) { id body createdAt author { username displayName } likeCount likedByViewer } }';
const FIVE_SUBGRAPHS =
  'query Five { publicTimeline(first: 10) { edges { node { id body author { username links(first: 2) { edges { node { code url } } } } likeCount likedByViewer poll { question totalVotes } } } } }';

interface Workload {
  name: string;
  description: string;
  /** The request each worker sends next; `sequence` counts requests across workers. */
  next(sequence: number): LoadRequest;
}

function workloads(seed: TimelineSeed): Workload[] {
  const token = (sequence: number): string => seed.users[sequence % seed.users.length]!.token;
  const all: Workload[] = [
    { name: 'identical', description: 'anonymous timeline, every request identical', next: () => ({ body: JSON.stringify({ query: TIMELINE }) }) },
    {
      name: 'varied',
      description: 'anonymous post(id), a different id every request',
      next: (sequence) => ({ body: JSON.stringify({ query: POST, variables: { id: seed.postIds[sequence % seed.postIds.length] } }) }),
    },
    { name: 'signed-in', description: 'timeline signed in, 40 viewers in turn', next: (sequence) => ({ body: JSON.stringify({ query: TIMELINE }), headers: bearer(token(sequence)) }) },
    {
      name: 'five-subgraphs',
      description: 'timeline over posts, users, likes, polls and links, signed in, 40 viewers in turn',
      next: (sequence) => ({ body: JSON.stringify({ query: FIVE_SUBGRAPHS }), headers: bearer(token(sequence)) }),
    },
  ];
  return all.filter((workload) => args.workloads.split(',').includes(workload.name));
}

interface Candidate {
  name: string;
  label: string;
  url: string;
  process: ChildProcess;
}

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  /** Mean of the gateway's RSS sampled every 100 ms over the window: one reading would land anywhere on the GC's sawtooth. */
  rssMb: number;
  /** The highest of those samples. */
  peakRssMb: number;
  errors: number;
}

/** The supergraph with each subgraph's routing URL where this run started it: one SDL for every gateway. */
function supergraphFor(urls: Record<string, string>): string {
  const sdl = readFileSync('supergraph.graphql', 'utf8').replace(/@join__graph\(name: "([a-z]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
  const path = join(tmpdir(), `bench-supergraph-${randomUUID()}.graphql`);
  writeFileSync(path, sdl);
  return path;
}

/** A poll on every tenth post and two links per reader, so the five-subgraph query has something to fetch. */
async function seedPollsAndLinks(databases: Record<string, string>, seed: TimelineSeed): Promise<void> {
  const links = seed.users.flatMap((user, index) => [0, 1].map((n) => [randomUUID(), `bench${index}x${n}`, `bench${index}x${n}`, `https://example.com/${index}/${n}`, user.id]));
  await insertBulk(databases['links']!, 'INSERT INTO links (id, code, code_key, url, owner_id)', links);
  await insertBulk(
    databases['polls']!,
    'INSERT INTO known_posts (id, author_id)',
    seed.postIds.filter((_, index) => index % 10 === 0).map((postId, index) => [postId, seed.users[index % seed.users.length]!.id]),
  );
  const polls = seed.postIds.filter((_, index) => index % 10 === 0).map((postId, index) => [randomUUID(), seed.users[index % seed.users.length]!.id, postId, `Question ${index}?`]);
  await insertBulk(databases['polls']!, 'INSERT INTO polls (id, author_id, post_id, question)', polls);
  await insertBulk(
    databases['polls']!,
    'INSERT INTO poll_options (id, poll_id, position, text)',
    polls.flatMap(([pollId]) => [0, 1].map((position) => [randomUUID(), pollId, position, `Option ${position}`])),
  );
}

/** One answer of each candidate to each workload's first request: they must agree, or the comparison means nothing. */
async function checkSameAnswers(candidates: Candidate[], list: Workload[]): Promise<void> {
  for (const workload of list) {
    const { body, headers } = workload.next(0);
    const answers = await Promise.all(
      candidates.map(async (candidate) => {
        const response = await fetch(candidate.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        return JSON.stringify(await response.json());
      }),
    );
    for (const [index, answer] of answers.entries()) {
      if (answer !== answers[0]) console.warn(`! ${workload.name}: ${candidates[index]!.name} answers ${answer.slice(0, 300)}\n  where ${candidates[0]!.name} answers ${answers[0]!.slice(0, 300)}`);
    }
    if (answers[0]!.includes('"errors"')) console.warn(`! ${workload.name}: errors in ${answers[0]!.slice(0, 300)}`);
  }
}

async function measure(candidate: Candidate, workload: Workload): Promise<Measurement> {
  const pid = candidate.process.pid!;
  let sequence = 0;
  let cpuAtOpen = 0;
  let cpuUsed = 0;
  const rssSamples: number[] = [];
  // A gateway that died mid-window has no /proc entry (or, as a zombie, no VmRSS): its
  // failed requests are reported; the sampler must not throw outside the run or add zeros.
  const sampleRss = (): void => {
    try {
      const megabytes = rssMegabytes(pid);
      if (megabytes > 0) rssSamples.push(megabytes);
    } catch {
      clearInterval(sampler);
    }
  };
  let sampler: NodeJS.Timeout | undefined;
  const result = await closedLoop({
    url: candidate.url,
    connections: CONNECTIONS,
    warmupSeconds: Number(args.warmup),
    seconds: Number(args.seconds),
    next: () => {
      const request = workload.next((sequence += 1));
      return { ...request, headers: { 'accept-encoding': args['accept-encoding'], ...request.headers } };
    },
    window: (phase) => {
      if (phase === 'open') {
        cpuAtOpen = cpuSeconds(pid);
        sampler = setInterval(sampleRss, 100);
      } else {
        cpuUsed = cpuSeconds(pid) - cpuAtOpen;
        clearInterval(sampler);
        sampleRss();
      }
    },
  }).finally(() => clearInterval(sampler));
  if (result.firstError) console.warn(`! ${candidate.name} ${workload.name}: ${result.errors} errors, first: ${result.firstError}`);
  const sorted = result.latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: result.requests / Number(args.seconds),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuMsPerRequest: (1_000 * cpuUsed) / Math.max(1, result.requests),
    rssMb: rssSamples.length > 0 ? rssSamples.reduce((sum, sample) => sum + sample, 0) / rssSamples.length : NaN,
    peakRssMb: rssSamples.length > 0 ? Math.max(...rssSamples) : NaN,
    errors: result.errors,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function report(candidates: Candidate[], list: Workload[], results: Map<string, Measurement[]>): void {
  const fields = ['requestsPerSecond', 'p50', 'p99', 'cpuMsPerRequest', 'rssMb', 'peakRssMb'] as const;
  const medianOf = (candidate: string, workload: string): Measurement => {
    const rounds = results.get(`${candidate} ${workload}`) ?? [];
    return { ...(Object.fromEntries(fields.map((field) => [field, median(rounds.map((round) => round[field]))])) as Omit<Measurement, 'errors'>), errors: rounds.reduce((sum, round) => sum + round.errors, 0) };
  };
  console.log('\n| workload | gateway | requests/s | p50 ms | p99 ms | CPU ms/request | mean RSS MB | peak RSS MB | errors | ×requests/s | ×p99 | ×CPU/request | ×mean RSS | ×peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const workload of list) {
    const anchor = medianOf(candidates[0]!.name, workload.name);
    for (const candidate of candidates) {
      const row = medianOf(candidate.name, workload.name);
      const ratio = (field: (typeof fields)[number]): string => `${(row[field] / anchor[field]).toFixed(2)}×`;
      console.log(
        `| ${workload.name} | ${candidate.label} | ${row.requestsPerSecond.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.cpuMsPerRequest.toFixed(2)} | ${row.rssMb.toFixed(0)} | ${row.peakRssMb.toFixed(0)} | ${row.errors} | ${ratio('requestsPerSecond')} | ${ratio('p99')} | ${ratio('cpuMsPerRequest')} | ${ratio('rssMb')} | ${ratio('peakRssMb')} |`,
      );
    }
  }
  console.log(`\nRatios are each gateway's median over ${args.rounds} rounds divided by ${candidates[0]!.label}'s; CPU is user + system time from /proc over the measured window; RSS is sampled from /proc every 100 ms over it.`);
}

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, SUBGRAPHS);
  const keys = signingKeys();
  const children: ChildProcess[] = [];
  try {
    const subgraphs = await startSubgraphs({ names: SUBGRAPHS, databases: databases.urls, keys, redisUrl: args.redis, core: 1 });
    children.push(...subgraphs.children);
    const supergraphPath = supergraphFor(subgraphs.urls);
    const ports = { this: await freePort(), variant: await freePort(), apollo: await freePort(), hive: await freePort() };
    const variantArgs = args['node-args'].split(' ').filter(Boolean);
    const variantDist = args['variant-dist'];
    // Found from the project root upwards (node_modules, supergraph.yaml): a build inside this checkout.
    if (variantDist && !existsSync(`${variantDist}/gateway/main.js`)) throw new Error(`--variant-dist: no ${variantDist}/gateway/main.js`);
    const thisGateway = (port: number, nodeArgs: string[], dist = 'dist'): ChildProcess =>
      startProcess(
        0,
        [`${dist}/gateway/main.js`],
        // The peers have no rate limit; every request here comes from one address.
        { PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: supergraphPath, JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY, RATE_LIMIT_MAX: '0' },
        [...(args.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : []), ...nodeArgs],
      );
    const all: Candidate[] = [
      { name: 'this', label: 'this gateway', url: `http://127.0.0.1:${ports.this}/graphql`, process: thisGateway(ports.this, []) },
      ...(variantArgs.length > 0 || variantDist
        ? [
            {
              name: 'variant',
              label: ['this gateway', variantDist && `built in ${variantDist}`, variantArgs.length > 0 && `node ${variantArgs.join(' ')}`].filter(Boolean).join(', '),
              url: `http://127.0.0.1:${ports.variant}/graphql`,
              process: thisGateway(ports.variant, variantArgs, variantDist),
            },
          ]
        : []),
      {
        name: 'apollo',
        label: '@apollo/gateway + Apollo Server',
        url: `http://127.0.0.1:${ports.apollo}/graphql`,
        process: startProcess(0, ['bench/peers/apollo-gateway.ts', supergraphPath, String(ports.apollo)], {}, ['--import', 'tsx']),
      },
      {
        name: 'hive',
        label: 'Hive Gateway + Rust planner',
        url: `http://127.0.0.1:${ports.hive}/graphql`,
        process: startProcess(0, ['bench/peers/hive-gateway.ts', supergraphPath, String(ports.hive)], {}, ['--import', 'tsx']),
      },
    ];
    children.push(...all.map((candidate) => candidate.process));
    await waitForHealth(`http://127.0.0.1:${ports.this}/health`);
    // The peers have no common health route: each is up once it answers `{ __typename }`.
    for (const candidate of all) await waitForHealth(candidate.url, 120, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const candidates = all.filter((candidate) => candidate.name === 'variant' || args.gateways.split(',').includes(candidate.name));

    const seed = await seedTimeline(all[0]!.url, databases.urls, Number(args.posts));
    await seedPollsAndLinks(databases.urls, seed);
    const list = workloads(seed);
    await checkSameAnswers(candidates, list);

    const results = new Map<string, Measurement[]>();
    for (let round = 0; round < Number(args.rounds); round += 1) {
      const order = candidates.map((_, index) => candidates[(index + round) % candidates.length]!);
      for (const workload of list) {
        for (const candidate of order) {
          const measured = await measure(candidate, workload);
          console.log(JSON.stringify({ round, workload: workload.name, gateway: candidate.name, ...Object.fromEntries(Object.entries(measured).map(([key, value]) => [key, Number(value.toFixed(2))])) }));
          results.set(`${candidate.name} ${workload.name}`, [...(results.get(`${candidate.name} ${workload.name}`) ?? []), measured]);
        }
      }
    }
    report(candidates, list, results);
  } finally {
    await tearDown(children, databases);
  }
}

runBenchmark(main);
