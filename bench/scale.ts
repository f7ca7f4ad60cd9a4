// Scale benchmark: do list and counter queries cost the same on a thousand times the data?
// Two supergraphs run side by side in this process, each over its own fresh databases: one
// loaded with 100,000 users, 1,000,000 posts, ~10,000,000 likes and the other domains'
// equivalents (`--scale` multiplies these), the other with a thousandth of that. Every
// query is sent through each gateway in turn, one request at a time, alternating which data
// set goes first each round, and reported as p50/p99 with the large/small ratio (goal ≤ 2).
//
//   npm run bench:scale                    # full size: loading takes several minutes
//   npm run bench:scale -- --scale 0.1     # a tenth of it, for a quicker run
//   npm run bench:scale -- --keep          # leaves the databases, to examine plans on them
//
// Rows are generated in PostgreSQL (INSERT … SELECT over generate_series) into the tables the
// migrations made, with their secondary indexes dropped and triggers off during the load,
// then indexes rebuilt and every maintained counter recounted from the rows. No table is
// UNLOGGED. The databases are dropped at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSupergraph } from '../embedded/start.js';
import type { RunningSupergraph } from '../embedded/start.js';
import { generateSigningKeyPem } from '../platform/auth/signing-key.js';
import { applyMigrations } from '../platform/data/migrations.js';
import { createLogger } from '../platform/observability/logger.js';
import { projectPath } from '../platform/paths.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { benchDatabases, percentile, postGraphQL, runBenchmark } from './support.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '10' },
    requests: { type: 'string', default: '20' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    /** Leaves the databases in place (their URLs printed), to examine a query's plan on them. */
    keep: { type: 'boolean', default: false },
  },
});
const SCALE = Number(args.scale);
const ROUNDS = Number(args.rounds);
const REQUESTS = Number(args.requests);
const DOMAINS = readSupergraphConfig().map(({ name }) => name);

/** The sizes of one data set; `users` drives every other count. */
interface Sizes {
  users: number;
  posts: number;
  polls: number;
  links: number;
  courses: number;
}
const sizesFor = (users: number): Sizes => ({ users, posts: users * 10, polls: users, links: users, courses: Math.max(5, users / 10) });

/** A deterministic UUID per kind and number; ids grow with the number, so 0 is the smallest. */
const idSql = (kind: number, number: string): string => `('${kind.toString(16).padStart(8, '0')}-0000-7000-8000-' || lpad(to_hex(${number}), 12, '0'))::uuid`;
const USER = 1;
const POST = 2;
const POLL = 3;
const OPTION = 4;
const LINK = 5;
const COURSE = 6;
const ENROLLMENT = 7;

const hotPostId = '00000002-0000-7000-8000-000000000000';
const hotPollId = '00000003-0000-7000-8000-000000000000';

/**
 * Runs `load` with `tables`' triggers off (maintained counters are recounted afterwards)
 * and their secondary indexes dropped, then rebuilds those indexes: bulk loads that way
 * cost a sort per index instead of a random insert per row.
 */
async function bulkLoad(client: pg.Client, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  for (const { indexname } of indexes) await client.query(`DROP INDEX "${indexname}"`);
  for (const table of tables) await client.query(`ALTER TABLE "${table}" DISABLE TRIGGER ALL`);
  await load();
  for (const table of tables) await client.query(`ALTER TABLE "${table}" ENABLE TRIGGER ALL`);
  for (const { indexdef } of indexes) await client.query(indexdef);
}

/** Counters in `row_counts` that are not their table's row count, and how their migrations count them. */
const COUNTED_OTHERWISE: Record<string, string> = {
  links: 'SELECT count(*) FROM links WHERE deleted_at IS NULL',
  clicks: 'SELECT coalesce(sum(clicks), 0) FROM links WHERE deleted_at IS NULL',
};

/** Every `row_counts` counter (platformStats' triggers were off during the load) from the rows. */
async function recountRows(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(`SELECT DISTINCT table_name FROM row_counts`).catch(() => ({ rows: [] as Array<{ table_name: string }> }));
  for (const { table_name: counter } of rows) {
    await client.query(`UPDATE row_counts SET count = 0 WHERE table_name = $1`, [counter]);
    await client.query(`UPDATE row_counts SET count = (${COUNTED_OTHERWISE[counter] ?? `SELECT count(*) FROM "${counter}"`}) WHERE table_name = $1 AND slot = 0`, [counter]);
  }
}

/** The statements that fill each domain's database, in order. */
function loadStatements(s: Sizes): Record<string, string[]> {
  const now = `timestamptz '${new Date().toISOString()}'`;
  // Posts span a year, newest (number 0) now; each like comes some minutes after its post.
  const postAt = (number: string) => `(${now} - ${number} * interval '${(365 * 24 * 3600) / s.posts} seconds')`;
  const likesPerPost = Math.min(19, s.users - 1);
  const followsPerUser = Math.min(20, s.users - 1);
  const votesPerPoll = Math.min(20, s.users);
  const enrolmentsPerCourse = Math.min(199, s.users);
  return {
    users: [
      `INSERT INTO users (id, username, username_key, email, password_hash, display_name, created_at, updated_at)
         SELECT ${idSql(USER, 'u')}, 'user_' || u, 'user_' || u, 'user' || u || '@bench.dev', 'not a hash: nobody signs in as these', 'User ' || u, ${now}, ${now}
         FROM generate_series(0, ${s.users - 1}) AS u`,
      // Everyone follows ${followsPerUser} others.
      `INSERT INTO follows (follower_id, followee_id, created_at)
         SELECT ${idSql(USER, 'u')}, ${idSql(USER, `(u + k * ${Math.floor(s.users / (followsPerUser + 1))}) % ${s.users}`)}, ${now}
         FROM generate_series(0, ${s.users - 1}) AS u, generate_series(1, ${followsPerUser}) AS k`,
      `SELECT follow_counts_rebuild()`,
    ],
    posts: [
      `INSERT INTO posts (id, author_id, body, created_at, updated_at)
         SELECT ${idSql(POST, 'p')}, ${idSql(USER, `p % ${s.users}`)}, 'Benchmark post ' || p, ${postAt('p')}, ${postAt('p')}
         FROM generate_series(0, ${s.posts - 1}) AS p`,
      `SELECT author_post_counts_rebuild()`,
    ],
    likes: [
      `INSERT INTO known_posts (id) SELECT ${idSql(POST, 'p')} FROM generate_series(0, ${s.posts - 1}) AS p`,
      // Post 0 (the newest) is liked by every user in the last minutes; post p > 0 by 1 to 19 users.
      `INSERT INTO likes (post_id, user_id, created_at)
         SELECT ${idSql(POST, '0')}, ${idSql(USER, 'u')}, ${now} - u * interval '1 millisecond' FROM generate_series(0, ${s.users - 1}) AS u`,
      `INSERT INTO likes (post_id, user_id, created_at)
         SELECT ${idSql(POST, 'p')}, ${idSql(USER, `(p * 31 + j * ${Math.floor(s.users / likesPerPost)}) % ${s.users}`)}, least(${now}, ${postAt('p')} + j * interval '3 minutes')
         FROM generate_series(1, ${s.posts - 1}) AS p, generate_series(0, ${likesPerPost - 1}) AS j WHERE j <= (p * 7) % ${likesPerPost}`,
      `SELECT like_aggregates_rebuild()`,
    ],
    polls: [
      `INSERT INTO polls (id, author_id, question, created_at) SELECT ${idSql(POLL, 'i')}, ${idSql(USER, `i % ${s.users}`)}, 'Question ' || i, ${now} - i * interval '1 minute' FROM generate_series(0, ${s.polls - 1}) AS i`,
      `INSERT INTO poll_options (id, poll_id, position, text) SELECT ${idSql(OPTION, 'i * 4 + k')}, ${idSql(POLL, 'i')}, k, 'Option ' || k FROM generate_series(0, ${s.polls - 1}) AS i, generate_series(0, 3) AS k`,
      // Poll 0 has a vote from every user; the others ${votesPerPoll} each.
      `INSERT INTO votes (poll_id, user_id, option_id) SELECT ${idSql(POLL, '0')}, ${idSql(USER, 'u')}, ${idSql(OPTION, 'u % 4')} FROM generate_series(0, ${s.users - 1}) AS u`,
      `INSERT INTO votes (poll_id, user_id, option_id)
         SELECT ${idSql(POLL, 'i')}, ${idSql(USER, `(i * 13 + j * ${Math.floor(s.users / votesPerPoll)}) % ${s.users}`)}, ${idSql(OPTION, 'i * 4 + j % 4')}
         FROM generate_series(1, ${s.polls - 1}) AS i, generate_series(0, ${votesPerPoll - 1}) AS j`,
      `UPDATE poll_options o SET votes = v.n FROM (SELECT option_id, count(*)::int AS n FROM votes GROUP BY option_id) v WHERE o.id = v.option_id`,
    ],
    links: [
      `INSERT INTO links (id, code, code_key, url, owner_id, created_at, clicks, unique_visitors)
         SELECT ${idSql(LINK, 'i')}, 'Code' || i, 'code' || i, 'https://example.com/' || i, ${idSql(USER, `i % ${s.users}`)}, ${now}, (i * 7919) % 100000, (i * 7919) % 50000
         FROM generate_series(0, ${s.links - 1}) AS i`,
      // Ten hours of click history per link.
      `INSERT INTO link_click_hours (link_id, hour, clicks) SELECT ${idSql(LINK, 'i')}, date_trunc('hour', ${now}) - h * interval '1 hour', 1 + (i + h) % 50 FROM generate_series(0, ${s.links - 1}) AS i, generate_series(0, 9) AS h`,
    ],
    courses: [
      `INSERT INTO courses (id, instructor_id, title, description, published, created_at, updated_at)
         SELECT ${idSql(COURSE, 'i')}, ${idSql(USER, `i % ${s.users}`)}, 'Course ' || i, 'About course ' || i, i % 5 <> 0, ${now}, ${now}
         FROM generate_series(0, ${s.courses - 1}) AS i`,
      `INSERT INTO enrollments (id, course_id, user_id, created_at, last_activity_at)
         SELECT ${idSql(ENROLLMENT, `i * ${enrolmentsPerCourse} + j`)}, ${idSql(COURSE, 'i')}, ${idSql(USER, `(i * 17 + j * ${Math.floor(s.users / enrolmentsPerCourse)}) % ${s.users}`)}, ${now}, ${now}
         FROM generate_series(0, ${s.courses - 1}) AS i, generate_series(0, ${enrolmentsPerCourse - 1}) AS j WHERE j <= (i * 37) % ${enrolmentsPerCourse}`,
      `UPDATE courses c SET enrollments_count = e.n FROM (SELECT course_id, count(*)::int AS n FROM enrollments GROUP BY course_id) e WHERE c.id = e.course_id`,
    ],
  };
}

const LOADED_TABLES: Record<string, string[]> = {
  users: ['users', 'follows'],
  posts: ['posts'],
  likes: ['known_posts', 'likes'],
  polls: ['polls', 'poll_options', 'votes'],
  links: ['links', 'link_click_hours'],
  courses: ['courses', 'enrollments'],
};

interface DataSet {
  label: string;
  sizes: Sizes;
  supergraph: RunningSupergraph;
  viewerToken: string;
  viewerId: string;
  /** The loaded users the viewer follows (what users hands posts for homeTimeline). */
  followingIds: string[];
  rows: Record<string, number>;
  loadSeconds: number;
  stop(): Promise<void>;
}

async function loadDomain(url: string, domain: string, statements: string[]): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await bulkLoad(client, LOADED_TABLES[domain]!, async () => {
      for (const statement of statements) await client.query(statement);
    });
    await recountRows(client);
    await client.query('ANALYZE');
    const rows: Record<string, number> = {};
    for (const table of LOADED_TABLES[domain]!) rows[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
    return rows;
  } finally {
    await client.end();
  }
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const { data, errors, status } = await postGraphQL<T>(url, query, variables, token);
  if (status !== 200 || errors || !data) throw new Error(`${query}: ${status} ${JSON.stringify(errors)}`);
  return data;
}

async function startDataSet(label: string, sizes: Sizes): Promise<DataSet> {
  const logger = createLogger('bench-scale', 'warn');
  const databases = await benchDatabases(args.postgres, DOMAINS.map((domain) => `${label}_${domain}`));
  const workDir = mkdtempSync(join(tmpdir(), `bench-scale-${label}-`));
  const stopAll = async (supergraph?: RunningSupergraph) => {
    await supergraph?.stop();
    if (args.keep) console.error(`${label}: databases kept: ${Object.values(databases.urls).map((url) => new URL(url).pathname.slice(1)).join(' ')}`);
    else await databases.drop();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const started = performance.now();
    const statements = loadStatements(sizes);
    const rows: Record<string, number> = {};
    // One domain at a time: the machine has two cores, and PostgreSQL's index builds use both.
    for (const domain of DOMAINS) {
      const url = databases.urls[`${label}_${domain}`]!;
      await applyMigrations(url, projectPath('prisma', domain, 'migrations'), logger);
      const domainStarted = performance.now();
      Object.assign(rows, await loadDomain(url, domain, statements[domain] ?? []));
      console.error(`${label}: ${domain} loaded in ${((performance.now() - domainStarted) / 1000).toFixed(0)} s`);
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const supergraph = await startSupergraph({
      env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', REGISTRATIONS_PER_ADDRESS: '1000', REGISTRATIONS_GLOBAL: '1000' },
      // The benchmark sends thousands of requests a minute from one address.
      gatewayEnv: { RATE_LIMIT_MAX: '10000000' },
      gatewayPort: 0,
      subgraphPort: () => 0,
      openDatabase: async (name) => ({ url: databases.urls[`${label}_${name}`]!, close: async () => {} }),
      poolSize: 5,
      signingKeyPem: generateSigningKeyPem(),
      workDir,
    });
    try {
      // The viewer signs up through the API and follows 50 of the loaded users.
      const registered = await graphql<{ register: { accessToken: string; user: { id: string } } }>(
        supergraph.gatewayUrl,
        'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
        { input: { username: `viewer_${label}`, email: `viewer-${label}@bench.dev`, password: 'benchmark password' } },
      );
      const users = new pg.Client({ connectionString: databases.urls[`${label}_users`]! });
      await users.connect();
      const { rows: followed } = await users.query<{ id: string }>(
        `INSERT INTO follows (follower_id, followee_id) SELECT $1::uuid, ${idSql(USER, `k * ${Math.max(1, Math.floor(sizes.users / 50))}`)} FROM generate_series(0, ${Math.min(50, sizes.users) - 1}) AS k RETURNING followee_id::text AS id`,
        [registered.register.user.id],
      );
      await users.end();
      const viewer = { viewerToken: registered.register.accessToken, viewerId: registered.register.user.id, followingIds: followed.map((row) => row.id) };
      return { label, sizes, supergraph, ...viewer, rows, loadSeconds, stop: () => stopAll(supergraph) };
    } catch (error) {
      await stopAll(supergraph);
      throw error;
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const POST_FIELDS = 'edges { node { id body createdAt author { username } likeCount } }';
const SUBGRAPH_POST_FIELDS = 'edges { node { id body createdAt } }';
const entities = (type: string, fields: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${fields} } } }`;
const since24h = () => new Date(Date.now() - 86_400_000).toISOString();

/** A query as a client sends it to the gateway, and the owning subgraph's part of it sent to that subgraph alone. */
interface BenchQuery {
  name: string;
  gateway: { query: string; variables?: (set: DataSet) => Record<string, unknown>; signedIn?: boolean };
  subgraph: { name: string; query: string; variables?: (set: DataSet) => Record<string, unknown> };
}
const QUERIES: BenchQuery[] = [
  {
    name: 'timeline',
    gateway: { query: `{ publicTimeline(first: 20) { ${POST_FIELDS} } }` },
    subgraph: { name: 'posts', query: `{ publicTimeline(first: 20) { ${SUBGRAPH_POST_FIELDS} } }` },
  },
  {
    name: 'home timeline (50 followed)',
    gateway: { query: `{ me { homeTimeline(first: 20) { ${POST_FIELDS} } } }`, signedIn: true },
    subgraph: { name: 'posts', query: entities('User', `homeTimeline(first: 20) { ${SUBGRAPH_POST_FIELDS} }`), variables: (set) => ({ r: [{ __typename: 'User', id: set.viewerId, followingIds: set.followingIds }] }) },
  },
  {
    name: 'likeCount of the hot post',
    gateway: { query: 'query ($id: ID!) { post(id: $id) { likeCount } }', variables: () => ({ id: hotPostId }) },
    subgraph: { name: 'likes', query: entities('Post', 'likeCount'), variables: () => ({ r: [{ __typename: 'Post', id: hotPostId }] }) },
  },
  {
    name: 'popularPosts (all time)',
    gateway: { query: '{ popularPosts(first: 10) { id likeCount } }' },
    subgraph: { name: 'likes', query: '{ popularPosts(first: 10) { id likeCount } }' },
  },
  {
    name: 'popularPosts (since 24 h)',
    gateway: { query: 'query ($since: DateTime) { popularPosts(first: 10, since: $since) { id likeCount } }', variables: () => ({ since: since24h() }) },
    subgraph: { name: 'likes', query: 'query ($since: DateTime) { popularPosts(first: 10, since: $since) { id likeCount } }', variables: () => ({ since: since24h() }) },
  },
  {
    name: 'topLinks',
    gateway: { query: '{ topLinks(first: 10) { code clicks } }' },
    subgraph: { name: 'links', query: '{ topLinks(first: 10) { code clicks } }' },
  },
  {
    name: 'popularCourses',
    gateway: { query: '{ popularCourses(first: 10) { id title enrollmentsCount } }' },
    subgraph: { name: 'courses', query: '{ popularCourses(first: 10) { id title enrollmentsCount } }' },
  },
  {
    name: 'poll results (hot poll)',
    gateway: { query: 'query ($id: ID!) { poll(id: $id) { question totalVotes options { text votes percentage } } }', variables: () => ({ id: hotPollId }) },
    subgraph: { name: 'polls', query: 'query ($id: ID!) { poll(id: $id) { question totalVotes options { text votes percentage } } }', variables: () => ({ id: hotPollId }) },
  },
];

type Path = 'gateway' | 'subgraph';

/** One request's time in milliseconds. */
/** A fresh access token for the set's viewer (they last 15 minutes; a full load takes longer). */
async function signIn(set: DataSet): Promise<void> {
  const { login } = await graphql<{ login: { accessToken: string } }>(set.supergraph.gatewayUrl, 'mutation ($name: String!) { login(usernameOrEmail: $name, password: "benchmark password") { accessToken } }', {
    name: `viewer_${set.label}`,
  });
  set.viewerToken = login.accessToken;
}

async function timeOnce(set: DataSet, query: BenchQuery, path: Path): Promise<number> {
  const started = performance.now();
  if (path === 'gateway') await graphql(set.supergraph.gatewayUrl, query.gateway.query, query.gateway.variables?.(set) ?? {}, query.gateway.signedIn ? set.viewerToken : undefined);
  else await graphql(set.supergraph.subgraphs[query.subgraph.name]!.url, query.subgraph.query, query.subgraph.variables?.(set) ?? {});
  return performance.now() - started;
}

async function main(): Promise<void> {
  const largeUsers = Math.round(100_000 * SCALE);
  const sets: DataSet[] = [];
  try {
    // Small first: it is ready in seconds, and a failure in the large load still stops it.
    sets.push(await startDataSet('small', sizesFor(Math.max(20, Math.round(largeUsers / 1000)))));
    sets.push(await startDataSet('large', sizesFor(largeUsers)));
    const [small, large] = sets as [DataSet, DataSet];
    for (const set of sets) console.error(`${set.label}: loaded in ${set.loadSeconds.toFixed(0)} s: ${JSON.stringify(set.rows)}`);
    for (const set of sets) await signIn(set);
    // Warm up every query on both (plans, caches, JIT) before measuring.
    for (const query of QUERIES) for (const set of sets) for (const path of ['gateway', 'subgraph'] as const) for (let i = 0; i < 5; i += 1) await timeOnce(set, query, path);
    for (const path of ['gateway', 'subgraph'] as const) {
      for (const set of sets) await signIn(set);
      const latencies = new Map(QUERIES.map((query) => [query.name, { small: [] as number[], large: [] as number[] }]));
      // Small and large take turns request by request (who goes first alternating), so
      // whatever else the machine is doing falls on both alike.
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const query of QUERIES) {
          for (let i = 0; i < REQUESTS; i += 1) {
            for (const set of (round + i) % 2 === 0 ? [small, large] : [large, small]) latencies.get(query.name)![set.label as 'small' | 'large'].push(await timeOnce(set, query, path));
          }
        }
      }
      console.log(`\nThrough the ${path === 'gateway' ? 'gateway' : 'owning subgraph directly'} (${ROUNDS * REQUESTS} requests per query and data set):\n`);
      console.log(`| query | small p50 ms | small p99 ms | large p50 ms | large p99 ms | p50 ratio | p99 ratio |`);
      console.log(`|---|---|---|---|---|---|---|`);
      for (const [name, { small: smallTimes, large: largeTimes }] of latencies) {
        const [s, l] = [smallTimes.sort((a, b) => a - b), largeTimes.sort((a, b) => a - b)];
        const figures = [percentile(s, 50), percentile(s, 99), percentile(l, 50), percentile(l, 99)];
        console.log(`| ${name} | ${figures.map((figure) => figure.toFixed(2)).join(' | ')} | ${(figures[2]! / figures[0]!).toFixed(2)} | ${(figures[3]! / figures[1]!).toFixed(2)} |`);
      }
    }
  } finally {
    for (const set of sets.reverse()) await set.stop();
  }
}

runBenchmark(main);
