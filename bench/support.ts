// What the benchmarks share: processes pinned to cores, their CPU from /proc, free ports.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Agent, fetch } from 'undici';

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** What every process of one benchmark run proves itself to the others with (production requires one). */
const INTERNAL_SECRET = randomBytes(32).toString('hex');

/** Runs `node <script> <args>` from dist/ pinned to one core, in production mode. */
export function startProcess(core: number, [script, ...args]: [string, ...string[]], env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, script, ...args], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', INTERNAL_SECRET, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${script} exited with ${code}`);
  });
  return child;
}

/** Resolves once `url` answers 2xx (a GET, or the request `init` describes). */
export async function waitForHealth(url: string, seconds = 120, init?: Parameters<typeof fetch>[1]): Promise<void> {
  for (let attempt = 0; attempt < seconds * 10; attempt += 1) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString());
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export const rssMegabytes = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Pins this process to a core, so the gateway has core 0 to itself. */
export const pinSelf = (core: number): void => void execFileSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });

/** An Ed25519 key pair as the users subgraph and the others take it from the environment. */
export function signingKeys(): { JWT_PRIVATE_KEY: string; JWT_PUBLIC_KEY: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Fresh databases for a run, dropped by `drop`. */
export async function benchDatabases(adminUrl: string, names: string[]): Promise<{ urls: Record<string, string>; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const suffix = randomBytes(4).toString('hex');
  const urls: Record<string, string> = {};
  for (const name of names) {
    await admin.query(`CREATE DATABASE "bench_${name}_${suffix}"`);
    urls[name] = Object.assign(new URL(adminUrl), { pathname: `/bench_${name}_${suffix}` }).toString();
  }
  return {
    urls,
    async drop() {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "bench_${name}_${suffix}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Stops the processes a run started, then drops its databases. */
export async function tearDown(children: ChildProcess[], databases: { drop(): Promise<void> }): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await databases.drop();
}

/** Runs a benchmark's main and exits with its outcome (open sockets would keep it alive). */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Inserts `rows` with one multi-row `statement … VALUES` per thousand, skipping conflicts. */
export async function insertBulk(url: string, statement: string, rows: unknown[][]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let start = 0; start < rows.length; start += 1_000) {
      const chunk = rows.slice(start, start + 1_000);
      const width = chunk[0]!.length;
      const placeholders = chunk.map((_, row) => `(${Array.from({ length: width }, (__, column) => `$${row * width + column + 1}`).join(', ')})`);
      await client.query(`${statement} VALUES ${placeholders.join(', ')} ON CONFLICT DO NOTHING`, chunk.flat());
    }
  } finally {
    await client.end();
  }
}

/** One GraphQL POST of a closed loop: its JSON body and the headers beside `content-type`. */
export interface LoadRequest {
  body: string;
  headers?: Record<string, string>;
}

interface LoadResult {
  /** Requests answered within the measured window. */
  requests: number;
  /** Of those, answers that were not 200 or carried GraphQL errors. */
  errors: number;
  latencies: number[];
  /** The first failing answer, to tell a misconfigured run from a slow one. */
  firstError?: string;
}

/**
 * A closed loop: `connections` workers each POST `next(worker)` to `url` and send the next
 * request as soon as the answer is read. The first `warmupSeconds` are not measured;
 * `window` is called as the measured window opens and closes (to read CPU over exactly it).
 */
export async function closedLoop(options: {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  next: (worker: number) => LoadRequest;
  window?: (phase: 'open' | 'close') => void;
}): Promise<LoadResult> {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000 });
  const result: LoadResult = { requests: 0, errors: 0, latencies: [] };
  let measuring = false;
  let running = true;
  const worker = async (index: number): Promise<void> => {
    while (running) {
      const { body, headers } = options.next(index);
      const started = performance.now();
      const response = await fetch(options.url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.text();
      if (!measuring) continue;
      result.latencies.push(performance.now() - started);
      if (response.status !== 200 || text.includes('"errors"')) {
        result.errors += 1;
        result.firstError ??= `${response.status} ${text.slice(0, 300)}`;
      }
    }
  };
  const workers = Array.from({ length: options.connections }, (_, index) => worker(index));
  await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1_000));
  measuring = true;
  options.window?.('open');
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1_000));
  options.window?.('close');
  measuring = false;
  running = false;
  await Promise.all(workers);
  await agent.close();
  result.requests = result.latencies.length;
  return result;
}

/** The subgraphs of a run, each its own production process pinned to `core`. */
interface BenchSubgraphs {
  children: ChildProcess[];
  /** Each subgraph's GraphQL URL by name. */
  urls: Record<string, string>;
  /** Their REDIS_PREFIX: a gateway that hears their announcements needs the same. */
  redisPrefix: string;
}

/**
 * Starts the subgraphs `names` (users first: the others find it at USERS_SUBGRAPH_URL, and
 * posts at POSTS_SUBGRAPH_URL) on fresh databases, and waits until each answers `/health`.
 */
/** A bench subgraph's environment: production settings, its port and database, the others' URLs, users' signing key. */
export function subgraphEnv(
  name: string,
  options: { port: number; urls: Record<string, string>; databases: Record<string, string>; keys: { JWT_PRIVATE_KEY: string; JWT_PUBLIC_KEY: string }; redisUrl: string; redisPrefix: string },
): Record<string, string> {
  return {
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    HOST: '127.0.0.1',
    JWT_PUBLIC_KEY: options.keys.JWT_PUBLIC_KEY,
    ...Object.fromEntries(Object.entries(options.urls).map(([other, url]) => [`${other.toUpperCase()}_SUBGRAPH_URL`, url])),
    // Benchmarks sign up their readers from one address.
    REGISTRATIONS_PER_ADDRESS: '1000',
    PORT: String(options.port),
    [`${name.toUpperCase()}_DATABASE_URL`]: options.databases[name]!,
    ...(name === 'users' && { JWT_PRIVATE_KEY: options.keys.JWT_PRIVATE_KEY }),
  };
}

export async function startSubgraphs(options: {
  names: string[];
  databases: Record<string, string>;
  keys: { JWT_PRIVATE_KEY: string; JWT_PUBLIC_KEY: string };
  redisUrl: string;
  core: number;
  /** Extra Node arguments for some subgraphs (a CPU profile, say). */
  nodeArgs?: Record<string, string[]>;
}): Promise<BenchSubgraphs> {
  const ports = Object.fromEntries(await Promise.all(options.names.map(async (name) => [name, await freePort()] as const)));
  const urls = Object.fromEntries(options.names.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]));
  const redisPrefix = `bench-${randomBytes(8).toString('hex')}`;
  const children = options.names.map((name) =>
    startProcess(options.core, ['dist/subgraphs/main.js', name], subgraphEnv(name, { ...options, port: ports[name]!, urls, redisPrefix }), options.nodeArgs?.[name]),
  );
  for (const name of options.names) await waitForHealth(`http://127.0.0.1:${ports[name]}/health`);
  return { children, urls, redisPrefix };
}

/** What `seedTimeline` wrote: the readers (with their access tokens) and the posts' ids, newest first. */
export interface TimelineSeed {
  users: Array<{ id: string; token: string }>;
  postIds: string[];
}

/** One GraphQL request (signed in when `token` is given); the answer's body, whatever it holds. */
export async function postGraphQL<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data?: T; errors?: unknown; status: number }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify({ query, variables }) });
  return { ...((await response.json()) as { data?: T; errors?: unknown }), status: response.status };
}

/**
 * 40 readers registered through the gateway at `url` (they need real accounts and tokens),
 * then `posts` posts and likes on the 200 newest straight into the databases, in bulk.
 */
export async function seedTimeline(url: string, databases: Record<string, string>, posts: number): Promise<TimelineSeed> {
  const users: TimelineSeed['users'] = [];
  for (let i = 0; i < 40; i += 1) {
    const { data } = await postGraphQL<{ register: { accessToken: string; user: { id: string } } }>(
      url,
      'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
      { input: { username: `reader_${i}`, email: `reader${i}@bench.dev`, password: 'benchmark password' } },
    );
    users.push({ id: data!.register.user.id, token: data!.register.accessToken });
  }
  const now = Date.now();
  const rows = Array.from({ length: posts }, (_, index) => [randomUUID(), users[index % users.length]!.id, `Benchmark post ${index}`, new Date(now - index * 1_000), new Date(now - index * 1_000)]);
  await insertBulk(databases['posts']!, 'INSERT INTO posts (id, author_id, body, created_at, updated_at)', rows);
  await insertBulk(databases['likes']!, 'INSERT INTO known_posts (id)', rows.map(([id]) => [id]));
  const likes = rows.slice(0, 200).flatMap(([postId], index) => users.slice(0, 5 + (index % 30)).map((user) => [postId, user.id]));
  await insertBulk(databases['likes']!, 'INSERT INTO likes (post_id, user_id)', likes);
  return { users, postIds: rows.map(([id]) => id as string) };
}

/** The `Authorization` header of a signed-in request; none for an anonymous one. */
export const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
